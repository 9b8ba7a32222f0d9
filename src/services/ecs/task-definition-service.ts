import type {
  DeleteTaskDefinitionsRequest, DeleteTaskDefinitionsResponse, DeregisterTaskDefinitionRequest,
  DeregisterTaskDefinitionResponse, DescribeTaskDefinitionRequest, DescribeTaskDefinitionResponse, Failure,
  ListTaskDefinitionFamiliesRequest, ListTaskDefinitionFamiliesResponse, ListTaskDefinitionsRequest,
  ListTaskDefinitionsResponse, RegisterTaskDefinitionRequest, RegisterTaskDefinitionResponse, TaskDefinition,
} from '@aws-sdk/client-ecs';
import { ecsResourceOf, isArn, type Scope, taskDefinitionArn } from '../../domain/arn.js';
import { validateTags } from '../../domain/ecs/tags.js';
import { computeTaskDefinition, validateFamily } from '../../domain/ecs/task-definition.js';
import { decodeToken, pageSize, toPage } from '../../domain/pagination.js';
import type { Clock } from '../../kit/clock.js';
import { ServiceError } from '../../kit/errors.js';
import type { Stores } from '../../store/stores.js';
import type { TaskDefinitionStatus } from '../../store/task-definition-store.js';

export const unableToDescribe = () => new ServiceError('ClientException', 'Unable to describe task definition.');

export interface TaskDefinitionRef {
  family: string;
  revision?: number;
}

/** `family`, `family:revision` or a task definition ARN in this scope; undefined if malformed. */
export function parseTaskDefinitionRef(scope: Scope, ref: string): TaskDefinitionRef | undefined {
  let body = ref;
  if (isArn(ref)) {
    const resource = ecsResourceOf(scope, ref);
    if (!resource?.startsWith('task-definition/')) return undefined;
    body = resource.slice('task-definition/'.length);
  }
  const m = /^([a-zA-Z0-9_-]{1,255})(?::(\d{1,9}))?$/.exec(body);
  if (!m) return undefined;
  return m[2] === undefined ? { family: m[1]! } : { family: m[1]!, revision: Number(m[2]) };
}

/** Task definitions: immutable revisions per family, ACTIVE → INACTIVE → DELETE_IN_PROGRESS. */
export class TaskDefinitionService {
  constructor(private readonly stores: Stores, private readonly clock: Clock) {}

  async register(scope: Scope, principalArn: string, input: RegisterTaskDefinitionRequest): Promise<RegisterTaskDefinitionResponse> {
    const family = validateFamily(input.family);
    const tags = validateTags(input.tags);
    const registeredAt = new Date(this.clock.now());
    // Validate before taking a revision: a refused definition must not use a number up.
    const draft = computeTaskDefinition(input, { arn: '', revision: 0, registeredAt, registeredBy: principalArn });
    const revision = await this.stores.taskDefinitions.takeRevision(scope.region, family);
    const arn = taskDefinitionArn(scope, family, revision);
    const taskDefinition: TaskDefinition = { ...draft, taskDefinitionArn: arn, revision };
    if (tags.length === 0) {
      await this.stores.taskDefinitions.insert(scope.region, taskDefinition);
    } else {
      await this.stores.transaction(async (tx) => {
        await tx.taskDefinitions.insert(scope.region, taskDefinition);
        await tx.tags.put(arn, tags);
      });
    }
    return { taskDefinition, ...(tags.length > 0 ? { tags } : {}) };
  }

  async describe(scope: Scope, input: DescribeTaskDefinitionRequest): Promise<DescribeTaskDefinitionResponse> {
    const taskDefinition = await this.find(scope, input.taskDefinition!);
    if (!taskDefinition) throw unableToDescribe();
    if (!input.include?.includes('TAGS')) return { taskDefinition };
    return { taskDefinition, tags: await this.stores.tags.list(taskDefinition.taskDefinitionArn!) };
  }

  /** The revision a reference names; a bare family means its latest ACTIVE revision. */
  async find(scope: Scope, ref: string): Promise<TaskDefinition | undefined> {
    const parsed = parseTaskDefinitionRef(scope, ref);
    if (!parsed) return undefined;
    return parsed.revision === undefined
      ? this.stores.taskDefinitions.latestActive(scope.region, parsed.family)
      : this.stores.taskDefinitions.get(scope.region, parsed.family, parsed.revision);
  }

  /** One exact revision (`family:revision` or its ARN), or ECS's ClientException. */
  async requireRevision(scope: Scope, ref: string): Promise<TaskDefinition> {
    const definition = parseTaskDefinitionRef(scope, ref)?.revision === undefined ? undefined : await this.find(scope, ref);
    if (!definition) throw unableToDescribe();
    return definition;
  }

  async list(scope: Scope, input: ListTaskDefinitionsRequest): Promise<ListTaskDefinitionsResponse> {
    const size = pageSize(input.maxResults, 100);
    const status = (input.status ?? 'ACTIVE') as TaskDefinitionStatus;
    if (!['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS'].includes(status)) throw new ServiceError('InvalidParameterException', 'status must be one of [ACTIVE, INACTIVE, DELETE_IN_PROGRESS]');
    if (input.sort !== undefined && input.sort !== 'ASC' && input.sort !== 'DESC') throw new ServiceError('InvalidParameterException', 'sort must be one of [ASC, DESC]');
    const after = decodeToken(input.nextToken);
    const rows = await this.stores.taskDefinitions.list(scope.region, {
      family: input.familyPrefix,
      status,
      descending: input.sort === 'DESC',
      after: after ? { family: String(after[0]), revision: Number(after[1]) } : undefined,
      limit: size + 1,
    });
    const page = toPage(rows, size, (r) => [r.family, r.revision], (r) => taskDefinitionArn(scope, r.family, r.revision));
    return { taskDefinitionArns: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  async listFamilies(scope: Scope, input: ListTaskDefinitionFamiliesRequest): Promise<ListTaskDefinitionFamiliesResponse> {
    const size = pageSize(input.maxResults, 100);
    const status = input.status ?? 'ALL';
    if (!['ACTIVE', 'INACTIVE', 'ALL'].includes(status)) throw new ServiceError('InvalidParameterException', 'status must be one of [ACTIVE, INACTIVE, ALL]');
    const after = decodeToken(input.nextToken)?.[0];
    const families = await this.stores.taskDefinitions.families(scope.region, {
      prefix: input.familyPrefix,
      status,
      after: after === undefined ? undefined : String(after),
      limit: size + 1,
    });
    const page = toPage(families, size, (f) => [f], (f) => f);
    return { families: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  async deregister(scope: Scope, input: DeregisterTaskDefinitionRequest): Promise<DeregisterTaskDefinitionResponse> {
    const parsed = parseTaskDefinitionRef(scope, input.taskDefinition!);
    if (parsed && parsed.revision === undefined) throw new ServiceError('ClientException', 'Revision is missing.');
    const definition = parsed && await this.find(scope, input.taskDefinition!);
    if (!parsed || !definition) throw unableToDescribe();
    if (definition.status === 'ACTIVE') {
      const now = this.clock.now();
      await this.stores.taskDefinitions.setStatus(scope.region, parsed.family, parsed.revision!, 'INACTIVE', now);
      return { taskDefinition: { ...definition, status: 'INACTIVE', deregisteredAt: new Date(now) } };
    }
    return { taskDefinition: definition };
  }

  async delete(scope: Scope, input: DeleteTaskDefinitionsRequest): Promise<DeleteTaskDefinitionsResponse> {
    const refs = input.taskDefinitions ?? [];
    if (refs.length === 0) throw new ServiceError('InvalidParameterException', 'size of TaskDefinition references list must be greater than 0');
    if (refs.length > 10) throw new ServiceError('InvalidParameterException', 'Size of TaskDefinition references list cannot exceed 10');
    const taskDefinitions: TaskDefinition[] = [];
    const failures: Failure[] = [];
    const now = this.clock.now();
    await this.stores.transaction(async (tx) => {
      for (const ref of refs) {
        const parsed = parseTaskDefinitionRef(scope, ref);
        if (!parsed || parsed.revision === undefined) {
          failures.push({ arn: ref, reason: 'The specified task definition identifier is invalid. Specify a valid name or ARN and try again.' });
          continue;
        }
        const definition = await tx.taskDefinitions.get(scope.region, parsed.family, parsed.revision);
        if (!definition) {
          failures.push({ arn: ref, reason: 'The specified task definition does not exist. Specify a valid account, family, revision and try again.' });
        } else if (definition.status === 'ACTIVE') {
          failures.push({ arn: ref, reason: 'The specified task definition is still in ACTIVE status. Please deregister the target and try again.' });
        } else {
          if (definition.status === 'INACTIVE') {
            await tx.taskDefinitions.setStatus(scope.region, parsed.family, parsed.revision, 'DELETE_IN_PROGRESS', now);
          }
          taskDefinitions.push({ ...definition, status: 'DELETE_IN_PROGRESS', deleteRequestedAt: definition.deleteRequestedAt ?? new Date(now) });
        }
      }
    });
    return { taskDefinitions, failures };
  }
}
