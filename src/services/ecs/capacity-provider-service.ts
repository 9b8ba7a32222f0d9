import type { CapacityProvider, DescribeCapacityProvidersRequest, DescribeCapacityProvidersResponse, Failure } from '@aws-sdk/client-ecs';
import { ecsResourceOf, isArn, type Scope } from '../../domain/arn.js';
import { BUILT_IN_CAPACITY_PROVIDERS, builtInCapacityProvider } from '../../domain/ecs/capacity-providers.js';
import { decodeToken, pageSize, toPage } from '../../domain/pagination.js';

/** Capacity providers: the built-in FARGATE and FARGATE_SPOT (custom ones arrive with Auto Scaling groups). */
export class CapacityProviderService {
  async describe(scope: Scope, input: DescribeCapacityProvidersRequest): Promise<DescribeCapacityProvidersResponse> {
    const wantsTags = input.include?.includes('TAGS') ?? false;
    const shape = (p: CapacityProvider): CapacityProvider => (wantsTags ? p : { ...p, tags: undefined });
    const all = BUILT_IN_CAPACITY_PROVIDERS.map((name) => builtInCapacityProvider(scope, name));
    if (input.capacityProviders && input.capacityProviders.length > 0) {
      const found: CapacityProvider[] = [];
      const failures: Failure[] = [];
      for (const ref of input.capacityProviders) {
        const name = capacityProviderNameOf(scope, ref);
        const provider = all.find((p) => p.name === name);
        if (provider) found.push(shape(provider));
        else failures.push({ arn: ref, reason: 'MISSING' });
      }
      return { capacityProviders: found, failures };
    }
    const size = pageSize(input.maxResults, 10);
    const after = decodeToken(input.nextToken)?.[0];
    const rest = after === undefined ? all : all.filter((p) => p.name! > String(after));
    const page = toPage(rest, size, (p) => [p.name!], shape);
    return { capacityProviders: page.items, failures: [], ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }
}

/** The name a capacity provider is given by (a name, or an ARN of a capacity provider in this scope). */
function capacityProviderNameOf(scope: Scope, ref: string): string | undefined {
  if (!isArn(ref)) return ref;
  const resource = ecsResourceOf(scope, ref);
  return resource?.startsWith('capacity-provider/') ? resource.slice('capacity-provider/'.length) : undefined;
}
