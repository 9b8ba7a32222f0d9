import { ServiceError } from '../../kit/errors.js';

/**
 * ECR's errors with ECR's texts (checked against reported ECR output and moto's copies of them;
 * the ones marked "guess" could not be confirmed).
 */
export const repositoryNotFound = (name: string, registryId: string) =>
  new ServiceError('RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry with id '${registryId}'`);

export const repositoryAlreadyExists = (name: string, registryId: string) =>
  new ServiceError('RepositoryAlreadyExistsException', `The repository with name '${name}' already exists in the registry with id '${registryId}'`);

export const repositoryNotEmpty = (name: string, registryId: string) =>
  new ServiceError('RepositoryNotEmptyException', `The repository with name '${name}' in registry with id '${registryId}' cannot be deleted because it still contains images`);

export const repositoryPolicyNotFound = (name: string, registryId: string) =>
  new ServiceError('RepositoryPolicyNotFoundException', `Repository policy does not exist for the repository with name '${name}' in the registry with id '${registryId}'`);

export const imageNotFound = (id: { imageDigest?: string | undefined; imageTag?: string | undefined }, name: string, registryId: string) =>
  new ServiceError('ImageNotFoundException',
    `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${name}' in the registry with id '${registryId}'`);

/** The text ECR's registry gives for the same refusal, as TAG_INVALID (reference/semantics.md §10). */
export const immutableTagMessage = (tag: string, name: string) =>
  `The image tag '${tag}' already exists in the '${name}' repository and cannot be overwritten because the repository is immutable.`;

export const imageTagAlreadyExists = (tag: string, name: string) =>
  new ServiceError('ImageTagAlreadyExistsException', immutableTagMessage(tag, name));

export const imageAlreadyExists = (digest: string, tag: string, name: string, registryId: string) =>
  new ServiceError('ImageAlreadyExistsException',
    `Image with digest '${digest}' and tag '${tag}' already exists in the repository with name '${name}' in registry with id '${registryId}'`);

// guess: ECR's text for manifests naming layers the repository does not have.
export const layersNotFound = (digests: readonly string[], name: string, registryId: string) =>
  new ServiceError('LayersNotFoundException',
    `Layers with digests '[${digests.join(', ')}]' required for pushing image into repository with name '${name}' in the registry with id '${registryId}' do not exist`);

// guess: ECR's text for an index naming images the repository does not have.
export const referencedImagesNotFound = (digests: readonly string[], name: string) =>
  new ServiceError('ReferencedImagesNotFoundException', `Manifests with digests '[${digests.join(', ')}]' referenced by the image index do not exist in the repository with name '${name}'`);

export const invalidParameter = (message: string) => new ServiceError('InvalidParameterException', message);

/** ECR's text for a member that breaks a constraint (as moto copies it). */
export const invalidMember = (member: string, constraint: string) =>
  invalidParameter(`Invalid parameter at '${member}' failed to satisfy constraint: '${constraint}'`);
