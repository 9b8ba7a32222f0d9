import type { Repository } from '@aws-sdk/client-ecr';
import type { Scope } from '../arn.js';

export const repositoryArn = (scope: Scope, name: string) => `arn:aws:ecr:${scope.region}:${scope.accountId}:repository/${name}`;

/** The repository name an ECR repository ARN in `scope` names; undefined for anything else. */
export function repositoryNameOfArn(scope: Scope, arn: string): { name: string; inScope: boolean } | undefined {
  const m = /^arn:aws:ecr:([^:]+):(\d{12}):repository\/(.+)$/.exec(arn);
  if (!m) return undefined;
  return { name: m[3]!, inScope: m[1] === scope.region && m[2] === scope.accountId };
}

export interface RepositoryView {
  name: string;
  createdAt: number;
  body: Omit<Repository, 'repositoryArn' | 'registryId' | 'repositoryName' | 'repositoryUri' | 'createdAt'>;
}

/** The Repository shape ECR returns; `registryHost` is the `host:port` clients push to. */
export function presentRepository(scope: Scope, registryHost: string, view: RepositoryView): Repository {
  const { imageTagMutability, imageTagMutabilityExclusionFilters, imageScanningConfiguration, encryptionConfiguration } = view.body;
  return {
    repositoryArn: repositoryArn(scope, view.name),
    registryId: scope.accountId,
    repositoryName: view.name,
    repositoryUri: `${registryHost}/${view.name}`,
    createdAt: new Date(view.createdAt),
    imageTagMutability,
    ...(imageTagMutabilityExclusionFilters ? { imageTagMutabilityExclusionFilters } : {}),
    imageScanningConfiguration,
    encryptionConfiguration,
  };
}
