/**
 * A whole Berth control plane and its agents in one process, on a fake clock: the real services,
 * store (SQLite in memory), scheduler and service controller, and one real TaskEngine per
 * container instance driving a FakeContainerRuntime. Tests move time with `step` and script what
 * containers do by image: `good` runs (and passes health checks), `bad` exits at once, `sick`
 * fails its health check, `slow` takes a while to pass it. Deterministic: ids and placement ties
 * come from a seed. Not used by Berth itself.
 */
import type { ContainerDefinition, CreateServiceRequest, Service, UpdateServiceRequest } from '@aws-sdk/client-ecs';
import { hostAttributes, hostResources } from '../agent/host-capacity.js';
import { TaskEngine } from '../agent/task-engine.js';
import type { Scope } from '../domain/arn.js';
import type { TaskReport } from '../domain/ecs/task-contract.js';
import { FakeClock } from '../kit/clock.js';
import type { IdGen } from '../kit/id-gen.js';
import { FakeContainerRuntime } from '../runtime/fake-runtime.js';
import { createSeededRandom } from '../scheduler/seeded-random.js';
import { AccountSettingService } from '../services/ecs/account-setting-service.js';
import { ClusterService } from '../services/ecs/cluster-service.js';
import { ContainerInstanceService } from '../services/ecs/container-instance-service.js';
import { ServiceDeploymentService } from '../services/ecs/service-deployment-service.js';
import { ServiceHistory } from '../services/ecs/service-history.js';
import { ServiceService } from '../services/ecs/service-service.js';
import { TaskDefinitionService } from '../services/ecs/task-definition-service.js';
import { TaskService } from '../services/ecs/task-service.js';
import { createElbv2Services, type Elbv2Services } from '../services/elbv2/elbv2-services.js';
import { openSqlite, type SqliteHandle } from '../store/sqlite.js';
import { Stores } from '../store/stores.js';
import type { TaskRecord } from '../store/task-store.js';
import { ServiceController } from './service-controller.js';
import { deregisterTargets } from './service-targets.js';

export const SIM_SCOPE: Scope = { region: 'us-east-1', accountId: '123456789012' };
export const SIM_CLUSTER = 'sim';
export type Behaviour = 'good' | 'bad' | 'sick' | 'slow';
const IMAGES: Behaviour[] = ['good', 'bad', 'sick', 'slow'];
const SLOW_HEALTHY_AFTER_MS = 30_000;

interface SimAgent {
  instanceId: string;
  runtime: FakeContainerRuntime;
  engine: TaskEngine;
  connected: boolean;
}

function seededIdGen(random: () => number): IdGen {
  const hex = (bytes: number) => Array.from({ length: bytes }, () => Math.floor(random() * 256).toString(16).padStart(2, '0')).join('');
  return { hex, uuid: () => { const h = hex(16); return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`; } };
}

export class ServiceSimulation {
  readonly agents: SimAgent[] = [];
  readonly #reports: Promise<void>[] = [];

  private constructor(
    readonly clock: FakeClock,
    private readonly sqlite: SqliteHandle,
    readonly stores: Stores,
    readonly tasks: TaskService,
    readonly services: ServiceService,
    readonly serviceDeployments: ServiceDeploymentService,
    readonly containerInstances: ContainerInstanceService,
    readonly taskDefinitions: TaskDefinitionService,
    readonly controller: ServiceController,
    /** ELBv2, for services with load balancers; nothing checks target health: tests set it (setTargetHealth). */
    readonly elbv2: Elbv2Services,
  ) {}

  static async create({ instances = 3, seed = 1, cpus = 4, memoryGiB = 8 } = {}): Promise<ServiceSimulation> {
    const sqlite = await openSqlite(':memory:');
    const stores = new Stores(sqlite.db);
    const random = createSeededRandom(seed);
    const idGen = seededIdGen(random);
    const clock = new FakeClock();
    const clusters = new ClusterService(stores, new AccountSettingService(stores), clock);
    const taskDefinitions = new TaskDefinitionService(stores, clock);
    const containerInstances = new ContainerInstanceService(stores, clusters, clock, idGen);
    const elbv2 = createElbv2Services(stores, clock, idGen);
    const tasks = new TaskService(stores, clusters, taskDefinitions, clock, idGen, {
      retentionMs: 3_600_000, random,
      drainTargets: (record) => deregisterTargets(SIM_SCOPE, elbv2.ecsTargets, record.loadBalancerTargets ?? []),
    });
    const history = new ServiceHistory(stores);
    const services = new ServiceService(stores, clusters, taskDefinitions, history, clock, idGen, () => undefined);
    const serviceDeployments = new ServiceDeploymentService(stores, clusters, history, clock, idGen, () => undefined);
    const controller = new ServiceController({ stores, tasks, history, clock, idGen, accountId: SIM_SCOPE.accountId, log: (line) => { throw new Error(line); }, targets: elbv2.ecsTargets });
    const sim = new ServiceSimulation(clock, sqlite, stores, tasks, services, serviceDeployments, containerInstances, taskDefinitions, controller, elbv2);
    await clusters.create(SIM_SCOPE, { clusterName: SIM_CLUSTER });
    for (let i = 0; i < instances; i++) await sim.addInstance(cpus, memoryGiB);
    return sim;
  }

  /** Registers a container instance with its own agent and engine. */
  async addInstance(cpus: number, memoryGiB: number): Promise<SimAgent> {
    const runtime = new FakeContainerRuntime({ clock: this.clock, images: IMAGES.map((b) => `${b}:latest`) });
    const out = await this.containerInstances.register(SIM_SCOPE, {
      cluster: SIM_CLUSTER,
      totalResources: hostResources(cpus, memoryGiB * 1024 ** 3),
      attributes: [...hostAttributes('x86_64', '1.41'), { name: 'ecs.availability-zone', value: `us-east-1${'abc'[this.agents.length % 3]}` }],
    });
    const instanceId = out.containerInstance!.containerInstanceArn!.split('/').at(-1)!;
    const engine = new TaskEngine({ runtime, clock: this.clock, cluster: SIM_CLUSTER, labels: { 'berth.instance-id': instanceId }, onReport: (r) => this.#report(r) });
    const agent = { instanceId, runtime, engine, connected: true };
    this.agents.push(agent);
    return agent;
  }

  #report(report: TaskReport): void {
    this.#reports.push(this.tasks.applyReport(report));
  }

  /** A one-container definition; with a health check unless told otherwise for `good`. */
  async registerDefinition(family: string, behaviour: Behaviour, { healthChecked = behaviour !== 'good', ...extra }: Partial<ContainerDefinition> & { healthChecked?: boolean } = {}): Promise<string> {
    const healthCheck = healthChecked ? { healthCheck: { command: ['CMD-SHELL', 'check'], interval: 5, retries: 1 } } : {};
    const out = await this.taskDefinitions.register(SIM_SCOPE, 'arn:aws:iam::123456789012:root', {
      family,
      containerDefinitions: [{ name: 'app', image: `${behaviour}:latest`, cpu: 256, memory: 512, ...healthCheck, ...extra }],
    });
    return out.taskDefinition!.taskDefinitionArn!;
  }

  createService(input: Omit<CreateServiceRequest, 'cluster'>) {
    return this.services.create(SIM_SCOPE, 'arn:aws:iam::123456789012:root', { cluster: SIM_CLUSTER, launchType: 'EC2', ...input });
  }

  updateService(input: Omit<UpdateServiceRequest, 'cluster'>) {
    return this.services.update(SIM_SCOPE, { cluster: SIM_CLUSTER, ...input });
  }

  /** An application load balancer whose HTTP listener forwards to a new `instance` target group; resolves to the group's ARN. */
  async targetGroupBehindLoadBalancer(name: string, deregistrationDelaySeconds: number): Promise<string> {
    const { LoadBalancers } = await this.elbv2.loadBalancers.create(SIM_SCOPE, { Name: `${name}-lb`, Subnets: ['subnet-sim'] });
    const { TargetGroups } = await this.elbv2.targetGroups.create(SIM_SCOPE, { Name: `${name}-tg`, Protocol: 'HTTP', Port: 80, VpcId: 'vpc-sim', TargetType: 'instance' });
    const targetGroupArn = TargetGroups![0]!.TargetGroupArn!;
    await this.elbv2.targetGroups.modifyAttributes(SIM_SCOPE, {
      TargetGroupArn: targetGroupArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(deregistrationDelaySeconds) }],
    });
    await this.elbv2.listeners.create(SIM_SCOPE, {
      LoadBalancerArn: LoadBalancers![0]!.LoadBalancerArn!, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
    });
    return targetGroupArn;
  }

  /** Plays the health checker: every registered target of the group gets `state(target)`. */
  async setTargetHealth(targetGroupArn: string, state: (target: { id: string; port: number }) => 'healthy' | 'unhealthy' | 'initial'): Promise<void> {
    for (const t of await this.stores.elbTargets.list(targetGroupArn)) {
      const next = state(t);
      await this.elbv2.view.recordTargetHealth(targetGroupArn, t, next, next === 'unhealthy' ? 'Target.ResponseCodeMismatch' : undefined, next === 'unhealthy' ? 'Health checks failed with these codes: [500]' : undefined);
    }
  }

  async describe(name: string): Promise<Service> {
    return (await this.services.describe(SIM_SCOPE, { cluster: SIM_CLUSTER, services: [name] })).services![0]!;
  }

  /** The service's tasks that are not STOPPED. */
  liveTasks(name: string): Promise<TaskRecord[]> {
    return this.stores.tasks.liveInGroup(SIM_SCOPE.region, SIM_CLUSTER, `service:${name}`);
  }

  /** Moves time on by `ms`, then runs one controller pass and lets every agent act and report. */
  async step(ms = 1_000): Promise<void> {
    this.clock.advance(ms);
    for (const agent of this.agents) {
      if (agent.connected) await this.containerInstances.heartbeat(SIM_SCOPE.region, SIM_CLUSTER, agent.instanceId);
    }
    await this.controller.reconcileAll();
    await this.#syncAgents();
    await this.#playContainers();
    await this.#syncAgents();
  }

  /** Steps until `done` holds (checked after each step), at most `maxSteps` times; returns the steps taken. */
  async until(done: () => Promise<boolean>, { maxSteps = 600, stepMs = 1_000, each }: { maxSteps?: number; stepMs?: number; each?: () => Promise<void> } = {}): Promise<number> {
    for (let i = 1; i <= maxSteps; i++) {
      await this.step(stepMs);
      await each?.();
      if (await done()) return i;
    }
    throw new Error(`not done after ${maxSteps} steps`);
  }

  /** The agent stops answering (its tasks keep running, unseen). */
  disconnect(agent: SimAgent): void {
    agent.connected = false;
  }

  async close(): Promise<void> {
    for (const agent of this.agents) await agent.engine.close();
    await this.sqlite.close();
  }

  async #syncAgents(): Promise<void> {
    for (const agent of this.agents) {
      if (!agent.connected) continue;
      agent.engine.apply(await this.tasks.assignmentsFor(agent.instanceId));
      await agent.engine.settled();
    }
    while (this.#reports.length > 0) await Promise.all(this.#reports.splice(0));
  }

  /** Containers do what their image says. */
  async #playContainers(): Promise<void> {
    for (const agent of this.agents) {
      if (!agent.connected) continue;
      for (const summary of await agent.runtime.listContainers({})) {
        const state = await agent.runtime.inspectContainer(summary.id);
        if (!state?.running) continue;
        const behaviour = state.image.split(':')[0] as Behaviour;
        if (behaviour === 'bad') agent.runtime.exit(state.id, 1);
        else if (behaviour === 'sick') agent.runtime.setHealth(state.id, 'unhealthy');
        else if (state.health !== undefined && (behaviour === 'good' || this.clock.now() - (state.startedAt ?? 0) >= SLOW_HEALTHY_AFTER_MS)) agent.runtime.setHealth(state.id, 'healthy');
      }
      await agent.engine.settled();
    }
  }
}
