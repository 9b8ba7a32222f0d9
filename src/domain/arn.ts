/**
 * ARNs: the only place they are built or taken apart. Berth emits ECS's long formats only
 * (`task/<cluster>/<id>`), and accepts names, short ARNs and long ARNs as input.
 */

/** The region and account a request acts in; resources are regional, as on AWS. */
export interface Scope {
  readonly region: string;
  readonly accountId: string;
}

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

export function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition, service, region, accountId] = parts as [string, string, string, string, string];
  return { partition, service, region, accountId, resource: parts.slice(5).join(':') };
}

export const isArn = (value: string): boolean => value.startsWith('arn:');

const arn = (scope: Scope, service: string, resource: string) =>
  `arn:aws:${service}:${scope.region}:${scope.accountId}:${resource}`;

export const ecsArn = (scope: Scope, resource: string) => arn(scope, 'ecs', resource);
export const clusterArn = (scope: Scope, name: string) => ecsArn(scope, `cluster/${name}`);
export const taskDefinitionArn = (scope: Scope, family: string, revision: number) =>
  ecsArn(scope, `task-definition/${family}:${revision}`);
export const serviceArn = (scope: Scope, cluster: string, name: string) => ecsArn(scope, `service/${cluster}/${name}`);
export const capacityProviderArn = (scope: Scope, name: string) => ecsArn(scope, `capacity-provider/${name}`);
export const rootPrincipalArn = (scope: Scope) => `arn:aws:iam::${scope.accountId}:root`;

/**
 * The resource part of an ECS ARN that belongs to `scope`, e.g. `cluster/prod`;
 * undefined when the ARN is malformed, not ECS's, or from another region or account.
 */
export function ecsResourceOf(scope: Scope, value: string): string | undefined {
  const parsed = parseArn(value);
  if (!parsed || parsed.service !== 'ecs') return undefined;
  if (parsed.region !== scope.region || parsed.accountId !== scope.accountId) return undefined;
  return parsed.resource;
}

/**
 * The name of a cluster given as a name or an ARN (`default` when absent, as ECS does);
 * undefined when an ARN does not name a cluster in this scope.
 */
export function clusterNameOf(scope: Scope, ref: string | undefined): string | undefined {
  if (ref === undefined || ref === '') return 'default';
  if (!isArn(ref)) return ref;
  const resource = ecsResourceOf(scope, ref);
  return resource?.startsWith('cluster/') ? resource.slice('cluster/'.length) : undefined;
}
