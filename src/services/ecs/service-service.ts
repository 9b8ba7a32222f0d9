import type {
  CreateServiceRequest, CreateServiceResponse, DeleteServiceRequest, DeleteServiceResponse, DescribeServicesRequest,
  DescribeServicesResponse, Failure, ListServicesRequest, ListServicesResponse, Service, TaskDefinition, UpdateServiceRequest,
  UpdateServiceResponse,
} from '@aws-sdk/client-ecs';
import { ecsResourceOf, isArn, type Scope, serviceArn } from '../../domain/arn.js';
import {
  checkDaemonRequest, resolveDeploymentConfiguration, validateDeploymentController, validateDesiredCount, validateGracePeriod,
  validatePropagateTags, validateSchedulingStrategy, validateServiceName,
} from '../../domain/ecs/service-config.js';
import { deploymentIdsFrom, newDeployment } from '../../domain/ecs/service-deployment.js';
import { type DeploymentTarget, serviceGroup, serviceKey, type ServiceRecord } from '../../domain/ecs/service-record.js';
import { presentService } from '../../domain/ecs/service-view.js';
import { validateTags } from '../../domain/ecs/tags.js';
import { decodeToken, pageSize, toPage } from '../../domain/pagination.js';
import type { Clock } from '../../kit/clock.js';
import { ServiceError } from '../../kit/errors.js';
import type { IdGen } from '../../kit/id-gen.js';
import type { Stores } from '../../store/stores.js';
import type { ClusterService } from './cluster-service.js';
import type { ServiceHistory } from './service-history.js';
import { checkServiceLoadBalancers } from './service-load-balancers.js';
import type { TaskDefinitionService } from './task-definition-service.js';
import { resolveLaunch } from './task-launch.js';

type TargetInput = Pick<CreateServiceRequest, 'launchType' | 'capacityProviderStrategy' | 'platformVersion' | 'networkConfiguration' | 'loadBalancers' | 'serviceRegistries'>;

const notFound = () => new ServiceError('ServiceNotFoundException', 'Service not found.');

/**
 * Services as the API sees them: Create/Update/Delete write the desired state (the service record
 * and its deployments) and wake the controller, which does the work; Describe/List read.
 */
export class ServiceService {
  constructor(
    private readonly stores: Stores,
    private readonly clusters: ClusterService,
    private readonly taskDefinitions: TaskDefinitionService,
    private readonly history: ServiceHistory,
    private readonly clock: Clock,
    private readonly idGen: IdGen,
    /** Asks the service controller to look at a service soon. */
    private readonly nudge: (serviceKey: string) => void,
  ) {}

  async create(scope: Scope, principalArn: string, input: CreateServiceRequest): Promise<CreateServiceResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    const name = validateServiceName(input.serviceName);
    const schedulingStrategy = validateSchedulingStrategy(input.schedulingStrategy);
    validateDeploymentController(input);
    const tags = validateTags(input.tags);
    const existing = await this.stores.services.get(scope.region, cluster.name, name);
    if (existing && existing.status !== 'INACTIVE') throw new ServiceError('InvalidParameterException', 'Creation of service was not idempotent.');
    const definition = await this.#definition(scope, input.taskDefinition);
    const target = this.#target(definition, input, cluster.body.defaultCapacityProviderStrategy);
    if (schedulingStrategy === 'DAEMON') checkDaemonRequest(input, target.launchType);
    await checkServiceLoadBalancers(this.stores, definition, target.loadBalancers);
    const now = this.clock.now();
    const desiredCount = validateDesiredCount(input.desiredCount);
    const service: ServiceRecord = {
      ...target,
      region: scope.region,
      cluster: cluster.name,
      name,
      status: 'ACTIVE',
      schedulingStrategy,
      desiredCount,
      deploymentConfiguration: resolveDeploymentConfiguration(schedulingStrategy, input.deploymentConfiguration),
      placementConstraints: input.placementConstraints ?? [],
      placementStrategy: input.placementStrategy ?? [],
      ...(input.healthCheckGracePeriodSeconds !== undefined ? { healthCheckGracePeriodSeconds: validateGracePeriod(input.healthCheckGracePeriodSeconds)! } : {}),
      propagateTags: validatePropagateTags(input.propagateTags) ?? 'NONE',
      enableECSManagedTags: input.enableECSManagedTags ?? false,
      // Accepted and kept; `ecs execute-command` has no agent side in Berth yet.
      enableExecuteCommand: input.enableExecuteCommand ?? false,
      availabilityZoneRebalancing: input.availabilityZoneRebalancing === 'DISABLED' ? 'DISABLED' : 'ENABLED',
      ...(input.role ? { roleArn: input.role } : {}),
      createdBy: principalArn,
      createdAt: now,
      updatedAt: now,
      deployments: [newDeployment(deploymentIdsFrom((n) => this.idGen.hex(n)), target, desiredCount, now)],
      events: [],
      throttle: { startFailures: 0, notBefore: 0 },
      steady: false,
      version: 1,
    };
    await this.stores.transaction(async (tx) => {
      await tx.services.create(service);
      await tx.tags.removeAll(serviceArn(scope, cluster.name, name));
      await tx.tags.put(serviceArn(scope, cluster.name, name), tags);
    });
    await this.history.started(scope, service, service.deployments[0]!);
    this.nudge(serviceKey(service.region, service.cluster, service.name));
    return { service: await this.#present(scope, service) };
  }

  async update(scope: Scope, input: UpdateServiceRequest): Promise<UpdateServiceResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    for (;;) {
      const service = await this.#require(scope, cluster.name, input.service);
      if (service.status !== 'ACTIVE') throw new ServiceError('ServiceNotActiveException', 'Service was not ACTIVE.');
      if (service.schedulingStrategy === 'DAEMON') checkDaemonRequest({ ...input, capacityProviderStrategy: undefined }, service.launchType);
      const definition = input.taskDefinition === undefined
        ? await this.#definition(scope, service.taskDefinition, true)
        : await this.#definition(scope, input.taskDefinition);
      const before = JSON.stringify(targetFields(service));
      const target = this.#target(definition, {
        networkConfiguration: input.networkConfiguration ?? service.networkConfiguration,
        platformVersion: input.platformVersion ?? service.platformVersion,
        loadBalancers: input.loadBalancers ?? service.loadBalancers,
        serviceRegistries: input.serviceRegistries ?? service.serviceRegistries,
        ...(input.capacityProviderStrategy ? { capacityProviderStrategy: input.capacityProviderStrategy } : service.capacityProviderStrategy.length ? { capacityProviderStrategy: service.capacityProviderStrategy } : { launchType: service.launchType }),
      }, []);
      if (input.loadBalancers !== undefined || input.taskDefinition !== undefined) await checkServiceLoadBalancers(this.stores, definition, target.loadBalancers);
      Object.assign(service, target);
      if (input.desiredCount !== undefined) service.desiredCount = validateDesiredCount(input.desiredCount);
      service.deploymentConfiguration = resolveDeploymentConfiguration(service.schedulingStrategy, input.deploymentConfiguration, service.deploymentConfiguration);
      if (input.placementConstraints) service.placementConstraints = input.placementConstraints;
      if (input.placementStrategy) service.placementStrategy = input.placementStrategy;
      if (input.healthCheckGracePeriodSeconds !== undefined) service.healthCheckGracePeriodSeconds = validateGracePeriod(input.healthCheckGracePeriodSeconds)!;
      service.propagateTags = validatePropagateTags(input.propagateTags) ?? service.propagateTags;
      service.enableECSManagedTags = input.enableECSManagedTags ?? service.enableECSManagedTags;
      service.enableExecuteCommand = input.enableExecuteCommand ?? service.enableExecuteCommand;
      if (input.availabilityZoneRebalancing === 'ENABLED' || input.availabilityZoneRebalancing === 'DISABLED') service.availabilityZoneRebalancing = input.availabilityZoneRebalancing;
      const now = this.clock.now();
      const redeploy = input.forceNewDeployment === true || JSON.stringify(targetFields(service)) !== before;
      if (redeploy) {
        service.deployments.forEach((d) => { d.status = 'ACTIVE'; });
        service.deployments.unshift(newDeployment(deploymentIdsFrom((n) => this.idGen.hex(n)), target, service.desiredCount, now));
        // ECS: a new deployment returns a throttled service to normal at once.
        service.throttle = { startFailures: 0, notBefore: 0 };
      }
      service.deployments[0]!.desiredCount = service.desiredCount;
      service.updatedAt = now;
      if (!(await this.stores.services.update(service))) continue;
      if (redeploy) await this.history.started(scope, service, service.deployments[0]!);
      this.nudge(serviceKey(service.region, service.cluster, service.name));
      return { service: await this.#present(scope, service) };
    }
  }

  async delete(scope: Scope, input: DeleteServiceRequest): Promise<DeleteServiceResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    for (;;) {
      const service = await this.#require(scope, cluster.name, input.service);
      if (service.status !== 'ACTIVE') return { service: await this.#present(scope, service) };
      if (service.schedulingStrategy === 'REPLICA' && service.desiredCount > 0 && !input.force) {
        throw new ServiceError('InvalidParameterException', 'The service cannot be stopped while it is scaled above 0.');
      }
      service.status = 'DRAINING';
      service.desiredCount = 0;
      service.updatedAt = this.clock.now();
      if (!(await this.stores.services.update(service))) continue;
      this.nudge(serviceKey(service.region, service.cluster, service.name));
      return { service: await this.#present(scope, service) };
    }
  }

  async describe(scope: Scope, input: DescribeServicesRequest): Promise<DescribeServicesResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    const refs = input.services ?? [];
    if (refs.length < 1 || refs.length > 10) throw new ServiceError('InvalidParameterException', 'services can have between 1 and 10 items.');
    const withTags = input.include?.includes('TAGS') ?? false;
    const services: Service[] = [];
    const failures: Failure[] = [];
    for (const ref of refs) {
      const service = await this.#find(scope, cluster.name, ref);
      if (service) services.push(await this.#present(scope, service, withTags));
      else failures.push({ arn: isArn(ref) ? ref : serviceArn(scope, cluster.name, ref), reason: 'MISSING' });
    }
    return { services, failures };
  }

  async list(scope: Scope, input: ListServicesRequest): Promise<ListServicesResponse> {
    const cluster = await this.clusters.require(scope, input.cluster);
    const size = pageSize(input.maxResults, 100, 10);
    const after = decodeToken(input.nextToken)?.[0];
    const rows = await this.stores.services.list(scope.region, cluster.name, {
      launchType: input.launchType,
      schedulingStrategy: input.schedulingStrategy,
      afterName: after === undefined ? undefined : String(after),
      limit: size + 1,
    });
    const page = toPage(rows, size, (r) => [r.name], (r) => serviceArn(scope, r.cluster, r.name));
    return { serviceArns: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  /** A service by name or ARN, INACTIVE ones included. */
  async #find(scope: Scope, clusterName: string, ref: string): Promise<ServiceRecord | undefined> {
    let name = ref;
    if (isArn(ref)) {
      const parts = ecsResourceOf(scope, ref)?.split('/');
      if (parts?.[0] !== 'service' || (parts.length === 3 && parts[1] !== clusterName)) return undefined;
      name = parts.at(-1) ?? '';
    }
    return this.stores.services.get(scope.region, clusterName, name);
  }

  async #require(scope: Scope, clusterName: string, ref: string | undefined): Promise<ServiceRecord> {
    const service = ref === undefined ? undefined : await this.#find(scope, clusterName, ref);
    if (!service) throw notFound();
    return service;
  }

  async #definition(scope: Scope, ref: string | undefined, allowInactive = false): Promise<TaskDefinition> {
    const definition = ref === undefined ? undefined : await this.taskDefinitions.find(scope, ref);
    if (!definition) throw new ServiceError('ClientException', 'TaskDefinition not found.');
    if (definition.status !== 'ACTIVE' && !allowInactive) throw new ServiceError('ClientException', 'TaskDefinition is inactive');
    return definition;
  }

  /** What a deployment of this request runs; checks the definition can run there (as RunTask does). */
  #target(def: TaskDefinition, input: TargetInput, clusterDefault: CreateServiceRequest['capacityProviderStrategy']): DeploymentTarget {
    const launch = resolveLaunch({ ...input, taskDefinition: def.taskDefinitionArn! }, def, clusterDefault ?? []);
    return {
      taskDefinition: def.taskDefinitionArn!,
      launchType: launch.launchType,
      capacityProviderStrategy: input.capacityProviderStrategy ?? [],
      ...(input.platformVersion ?? (launch.launchType === 'FARGATE' ? 'LATEST' : undefined) ? { platformVersion: input.platformVersion ?? 'LATEST' } : {}),
      ...(input.networkConfiguration ? { networkConfiguration: input.networkConfiguration } : {}),
      loadBalancers: input.loadBalancers ?? [],
      serviceRegistries: input.serviceRegistries ?? [],
    };
  }

  async #present(scope: Scope, service: ServiceRecord, withTags = false): Promise<Service> {
    const tasks = service.status === 'INACTIVE' ? [] : await this.stores.tasks.liveInGroup(scope.region, service.cluster, serviceGroup(service.name));
    const tags = withTags ? await this.stores.tags.list(serviceArn(scope, service.cluster, service.name)) : undefined;
    return presentService(scope, service, tasks, tags);
  }
}

/** The parts whose change starts a new deployment. */
const targetFields = (s: ServiceRecord) => [s.taskDefinition, s.launchType, s.capacityProviderStrategy, s.platformVersion, s.networkConfiguration, s.loadBalancers, s.serviceRegistries];
