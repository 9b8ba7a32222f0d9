import type {
  CreateRepositoryRequest, CreateRepositoryResponse, DeleteRepositoryPolicyRequest, DeleteRepositoryPolicyResponse,
  DeleteRepositoryRequest, DeleteRepositoryResponse, DescribeRegistryResponse, DescribeRepositoriesRequest,
  DescribeRepositoriesResponse, GetRepositoryPolicyRequest, GetRepositoryPolicyResponse, PutImageTagMutabilityRequest,
  PutImageTagMutabilityResponse, Repository, SetRepositoryPolicyRequest, SetRepositoryPolicyResponse,
} from '@aws-sdk/client-ecr';
import type { Scope } from '../../domain/arn.js';
import { invalidMember, invalidParameter, repositoryAlreadyExists, repositoryNotEmpty, repositoryNotFound, repositoryPolicyNotFound } from '../../domain/ecr/errors.js';
import { isRepositoryName, REPOSITORY_NAME_PATTERN } from '../../domain/ecr/names.js';
import { presentRepository, repositoryArn } from '../../domain/ecr/repository.js';
import { validateTagMutability } from '../../domain/ecr/tag-mutability.js';
import { decodeToken, pageSize, toPage } from '../../domain/pagination.js';
import type { Clock } from '../../kit/clock.js';
import type { RepositoryRecord } from '../../store/ecr-repository-store.js';
import type { Stores } from '../../store/stores.js';
import { validateEcrTags } from './ecr-tags.js';

/** Called with the upload ids of a deleted repository, whose files are then removed. */
export type UploadsDiscarded = (ids: readonly string[]) => Promise<void>;

/** The registry's `host:port` as clients reach it (known once the server listens). */
export type RegistryHost = () => string;

/** ECR repositories: their settings, policies and lifecycle. Repositories are made only here, never by a push. */
export class RepositoryService {
  constructor(
    private readonly stores: Stores,
    private readonly clock: Clock,
    private readonly registryHost: RegistryHost,
    private readonly onUploadsDiscarded: UploadsDiscarded,
  ) {}

  async create(scope: Scope, input: CreateRepositoryRequest): Promise<CreateRepositoryResponse> {
    const name = validateRepositoryName(input.repositoryName ?? '');
    const mutability = validateTagMutability(input.imageTagMutability, input.imageTagMutabilityExclusionFilters);
    const tags = validateEcrTags(input.tags);
    const encryption = input.encryptionConfiguration ?? { encryptionType: 'AES256' };
    if (!['AES256', 'KMS', 'KMS_DSSE'].includes(encryption.encryptionType ?? '')) {
      throw invalidMember('encryptionConfiguration.encryptionType', 'Member must satisfy enum value set: [AES256, KMS, KMS_DSSE]');
    }
    if (encryption.encryptionType === 'AES256' && encryption.kmsKey) throw invalidParameter('Invalid parameter: kmsKey can only be specified when encryptionType is KMS or KMS_DSSE');
    const record: RepositoryRecord = {
      region: scope.region,
      name,
      createdAt: this.clock.now(),
      body: {
        ...mutability,
        imageScanningConfiguration: { scanOnPush: input.imageScanningConfiguration?.scanOnPush ?? false },
        encryptionConfiguration: { encryptionType: encryption.encryptionType, ...(encryption.kmsKey ? { kmsKey: encryption.kmsKey } : {}) },
      },
    };
    await this.stores.transaction(async (tx) => {
      if (await tx.ecrRepositories.get(scope.region, name)) throw repositoryAlreadyExists(name, scope.accountId);
      await tx.ecrRepositories.insert(record);
      const arn = repositoryArn(scope, name);
      await tx.tags.removeAll(arn);
      await tx.tags.put(arn, tags.map((t) => ({ key: t.Key, value: t.Value })));
    });
    return { repository: this.present(scope, record) };
  }

  async describe(scope: Scope, input: DescribeRepositoriesRequest): Promise<DescribeRepositoriesResponse> {
    this.#checkRegistry(scope, input.registryId, input.repositoryNames?.[0]);
    if (input.repositoryNames && input.repositoryNames.length > 0) {
      if (input.nextToken !== undefined || input.maxResults !== undefined) {
        throw invalidParameter('Invalid parameter: maxResults and nextToken cannot be used together with repositoryNames');
      }
      const repositories: Repository[] = [];
      for (const name of input.repositoryNames) repositories.push(this.present(scope, await this.require(scope, name)));
      return { repositories };
    }
    const size = pageSize(input.maxResults, 1000, 100);
    const after = decodeToken(input.nextToken)?.[0];
    const rows = await this.stores.ecrRepositories.list(scope.region, after === undefined ? undefined : String(after), size + 1);
    const page = toPage(rows, size, (r) => [r.name], (r) => this.present(scope, r));
    return { repositories: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  async delete(scope: Scope, input: DeleteRepositoryRequest): Promise<DeleteRepositoryResponse> {
    const name = input.repositoryName ?? '';
    this.#checkRegistry(scope, input.registryId, name);
    const { record, uploads } = await this.stores.transaction(async (tx) => {
      const found = await tx.ecrRepositories.get(scope.region, name);
      if (!found) throw repositoryNotFound(name, scope.accountId);
      if (!input.force && (await tx.ecrImages.count(scope.region, name)) > 0) throw repositoryNotEmpty(name, scope.accountId);
      const open = await tx.registryBlobs.uploadsOf(scope.region, name);
      for (const id of open) await tx.registryBlobs.removeUpload(id);
      await tx.ecrImages.removeAll(scope.region, name);
      await tx.registryBlobs.unlinkAll(scope.region, name);
      await tx.tags.removeAll(repositoryArn(scope, name));
      await tx.ecrRepositories.delete(scope.region, name);
      return { record: found, uploads: open };
    });
    await this.onUploadsDiscarded(uploads);
    return { repository: this.present(scope, record) };
  }

  async putImageTagMutability(scope: Scope, input: PutImageTagMutabilityRequest): Promise<PutImageTagMutabilityResponse> {
    this.#checkRegistry(scope, input.registryId, input.repositoryName);
    const mutability = validateTagMutability(input.imageTagMutability, input.imageTagMutabilityExclusionFilters);
    const record = await this.require(scope, input.repositoryName ?? '');
    const { imageTagMutability: _old, imageTagMutabilityExclusionFilters: _oldFilters, ...rest } = record.body;
    record.body = { ...rest, ...mutability };
    await this.stores.ecrRepositories.update(record);
    return { registryId: scope.accountId, repositoryName: record.name, ...mutability };
  }

  async setPolicy(scope: Scope, input: SetRepositoryPolicyRequest): Promise<SetRepositoryPolicyResponse> {
    this.#checkRegistry(scope, input.registryId, input.repositoryName);
    const record = await this.require(scope, input.repositoryName ?? '');
    const policyText = input.policyText ?? '';
    if (!isPolicyDocument(policyText)) {
      throw invalidMember('PolicyText', 'Invalid repository policy provided');
    }
    record.body = { ...record.body, policyText };
    await this.stores.ecrRepositories.update(record);
    return { registryId: scope.accountId, repositoryName: record.name, policyText };
  }

  async getPolicy(scope: Scope, input: GetRepositoryPolicyRequest): Promise<GetRepositoryPolicyResponse> {
    this.#checkRegistry(scope, input.registryId, input.repositoryName);
    const record = await this.require(scope, input.repositoryName ?? '');
    if (record.body.policyText === undefined) throw repositoryPolicyNotFound(record.name, scope.accountId);
    return { registryId: scope.accountId, repositoryName: record.name, policyText: record.body.policyText };
  }

  async deletePolicy(scope: Scope, input: DeleteRepositoryPolicyRequest): Promise<DeleteRepositoryPolicyResponse> {
    this.#checkRegistry(scope, input.registryId, input.repositoryName);
    const record = await this.require(scope, input.repositoryName ?? '');
    const { policyText, ...rest } = record.body;
    if (policyText === undefined) throw repositoryPolicyNotFound(record.name, scope.accountId);
    record.body = rest;
    await this.stores.ecrRepositories.update(record);
    return { registryId: scope.accountId, repositoryName: record.name, policyText };
  }

  async describeRegistry(scope: Scope): Promise<DescribeRegistryResponse> {
    return { registryId: scope.accountId, replicationConfiguration: { rules: [] } };
  }

  /** The repository a request names, or RepositoryNotFoundException. */
  async require(scope: Scope, name: string, registryId?: string): Promise<RepositoryRecord> {
    this.#checkRegistry(scope, registryId, name);
    const record = await this.stores.ecrRepositories.get(scope.region, name);
    if (!record) throw repositoryNotFound(name, scope.accountId);
    return record;
  }

  present(scope: Scope, record: RepositoryRecord): Repository {
    return presentRepository(scope, this.registryHost(), { name: record.name, createdAt: record.createdAt, body: record.body });
  }

  /** Berth is one registry per account and region: another registry id holds no repositories here. */
  #checkRegistry(scope: Scope, registryId: string | undefined, name = ''): void {
    if (registryId !== undefined && registryId !== scope.accountId) throw repositoryNotFound(name, registryId);
  }
}

export function validateRepositoryName(name: string): string {
  if (!isRepositoryName(name)) {
    throw invalidMember('repositoryName', `must satisfy regular expression '${REPOSITORY_NAME_PATTERN}'`);
  }
  return name;
}

/** A policy is a JSON object with a Statement, as IAM requires; the statements themselves are kept, not enforced. */
function isPolicyDocument(text: string): boolean {
  try {
    const doc = JSON.parse(text) as unknown;
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) && 'Statement' in doc;
  } catch {
    return false;
  }
}
