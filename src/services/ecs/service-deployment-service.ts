import type {
  DescribeServiceDeploymentsRequest, DescribeServiceDeploymentsResponse, DescribeServiceRevisionsRequest,
  DescribeServiceRevisionsResponse, Failure, ListServiceDeploymentsRequest, ListServiceDeploymentsResponse, StopServiceDeploymentRequest, StopServiceDeploymentResponse,
} from '@aws-sdk/client-ecs';
import { ecsResourceOf, type Scope } from '../../domain/arn.js';
import { deploymentIdsFrom } from '../../domain/ecs/service-deployment.js';
import { addServiceEvent, serviceKey, serviceNameOf } from '../../domain/ecs/service-record.js';
import { decodeToken, pageSize, toPage } from '../../domain/pagination.js';
import type { Clock } from '../../kit/clock.js';
import { ServiceError } from '../../kit/errors.js';
import type { IdGen } from '../../kit/id-gen.js';
import { canRollBack, rollBack } from '../../scheduler/service-rollout.js';
import type { ServiceKey } from '../../store/service-history-store.js';
import type { Stores } from '../../store/stores.js';
import type { ClusterService } from './cluster-service.js';
import type { ServiceHistory } from './service-history.js';

type HistoryKind = 'service-deployment' | 'service-revision';
type HistoryKey = ServiceKey & { id: string };

/** `<kind>/<cluster>/<service>/<id>` of a service-deployment or service-revision ARN in this scope. */
function parseHistoryArn(scope: Scope, kind: HistoryKind, arn: string | undefined): HistoryKey | undefined {
  const parts = arn === undefined ? undefined : ecsResourceOf(scope, arn)?.split('/');
  if (parts?.length !== 4 || parts[0] !== kind) return undefined;
  return { region: scope.region, cluster: parts[1]!, service: parts[2]!, id: parts[3]! };
}

const MAX_ARNS = 20;

/** ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions and StopServiceDeployment. */
export class ServiceDeploymentService {
  constructor(
    private readonly stores: Stores,
    private readonly clusters: ClusterService,
    private readonly history: ServiceHistory,
    private readonly clock: Clock,
    private readonly idGen: IdGen,
    private readonly nudge: (serviceKey: string) => void,
  ) {}

  async list(scope: Scope, input: ListServiceDeploymentsRequest): Promise<ListServiceDeploymentsResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    const name = serviceNameOf(input.service!);
    if (!(await this.stores.services.get(scope.region, cluster.name, name))) throw new ServiceError('ServiceNotFoundException', 'Service not found.');
    const size = pageSize(input.maxResults, 100, 20);
    const all = await this.stores.serviceHistory.listDeployments({ region: scope.region, cluster: cluster.name, service: name }, {
      statuses: input.status,
      createdAfter: input.createdAt?.after?.getTime(),
      createdBefore: input.createdAt?.before?.getTime(),
    });
    const after = decodeToken(input.nextToken)?.[0];
    const rows = after === undefined ? all : all.slice(all.findIndex((d) => d.serviceDeploymentArn === after) + 1);
    const page = toPage(rows, size, (d) => [d.serviceDeploymentArn!], (d) => ({
      serviceDeploymentArn: d.serviceDeploymentArn,
      serviceArn: d.serviceArn,
      clusterArn: d.clusterArn,
      ...(d.startedAt ? { startedAt: d.startedAt } : {}),
      ...(d.createdAt ? { createdAt: d.createdAt } : {}),
      ...(d.finishedAt ? { finishedAt: d.finishedAt } : {}),
      targetServiceRevisionArn: d.targetServiceRevision?.arn,
      status: d.status,
      ...(d.statusReason ? { statusReason: d.statusReason } : {}),
    }));
    return { serviceDeployments: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  async describe(scope: Scope, input: DescribeServiceDeploymentsRequest): Promise<DescribeServiceDeploymentsResponse> {
    const found = await this.#describeMany(scope, 'service-deployment', input.serviceDeploymentArns, (key) => this.stores.serviceHistory.getDeployment(key, key.id));
    return { serviceDeployments: found.items, failures: found.failures };
  }

  async describeRevisions(scope: Scope, input: DescribeServiceRevisionsRequest): Promise<DescribeServiceRevisionsResponse> {
    const found = await this.#describeMany(scope, 'service-revision', input.serviceRevisionArns, (key) => this.stores.serviceHistory.getRevision(key, key.id));
    return { serviceRevisions: found.items, failures: found.failures };
  }

  /** A batch read by ARN: what is found, and a MISSING failure for each of the others. */
  async #describeMany<T>(scope: Scope, kind: HistoryKind, arns: readonly string[] | undefined, get: (key: HistoryKey) => Promise<T | undefined>): Promise<{ items: T[]; failures: Failure[] }> {
    const list = arns ?? [];
    if (list.length < 1 || list.length > MAX_ARNS) throw new ServiceError('InvalidParameterException', `${kind === 'service-deployment' ? 'serviceDeploymentArns' : 'serviceRevisionArns'} must have between 1 and ${MAX_ARNS} items.`);
    const items: T[] = [];
    const failures: Failure[] = [];
    for (const arn of list) {
      const key = parseHistoryArn(scope, kind, arn);
      const found = key && await get(key);
      if (found) items.push(found);
      else failures.push({ arn, reason: 'MISSING' });
    }
    return { items, failures };
  }

  /** stopType ROLLBACK (the only one): the deployment in progress goes back to the last completed one. */
  async stop(scope: Scope, input: StopServiceDeploymentRequest): Promise<StopServiceDeploymentResponse> {
    if (input.stopType !== undefined && input.stopType !== 'ROLLBACK') throw new ServiceError('InvalidParameterException', 'stopType must be ROLLBACK.');
    const key = parseHistoryArn(scope, 'service-deployment', input.serviceDeploymentArn);
    if (!key) throw new ServiceError('ServiceDeploymentNotFoundException', 'Service deployment not found.');
    for (;;) {
      const service = await this.stores.services.get(key.region, key.cluster, key.service);
      const primary = service?.deployments[0];
      if (!service || !(await this.stores.serviceHistory.getDeployment(key, key.id))) {
        throw new ServiceError('ServiceDeploymentNotFoundException', 'Service deployment not found.');
      }
      if (primary?.serviceDeploymentId !== key.id || primary.rolloutState !== 'IN_PROGRESS' || primary.rollbackOf) {
        throw new ServiceError('ConflictException', 'The service deployment is not in progress, so it cannot be stopped.');
      }
      if (!canRollBack(service)) throw new ServiceError('InvalidParameterException', 'The service has no completed deployment to roll back to.');
      const now = this.clock.now();
      const say = (message: string) => addServiceEvent(service, this.idGen.uuid(), message, now);
      primary.rolloutState = 'FAILED';
      primary.rolloutStateReason = 'Service deployment stopped by StopServiceDeployment.';
      primary.updatedAt = now;
      const rollback = rollBack(service, now, deploymentIdsFrom((n) => this.idGen.hex(n)), say);
      service.updatedAt = now;
      if (!(await this.stores.services.update(service))) continue;
      await this.history.started(scope, service, rollback);
      this.nudge(serviceKey(service.region, service.cluster, service.name));
      return { serviceDeploymentArn: input.serviceDeploymentArn };
    }
  }
}
