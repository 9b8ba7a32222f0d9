import { ServiceError } from '../../kit/errors.js';

/** ECS names (clusters, services, families, containers): up to 255 letters, digits, hyphens, underscores. */
export const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,255}$/;

export function validateClusterName(name: string): string {
  if (!NAME_PATTERN.test(name)) {
    throw new ServiceError('InvalidParameterException', `Cluster must match ^[a-zA-Z0-9\\-_]{1,255}$, but was ${name}`);
  }
  return name;
}
