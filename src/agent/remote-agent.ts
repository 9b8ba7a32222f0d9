import { ECSClient, RegisterContainerInstanceCommand } from '@aws-sdk/client-ecs';
import type { TaskReport } from '../domain/ecs/task-contract.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import type { AgentLogger } from './agent-logger.js';
import { ControlPlaneClient, ControlPlaneError } from './control-plane-client.js';
import { AGENT_VERSION, HOST_IP_ATTRIBUTE, hostAttributes, hostInstanceId, hostResources } from './host-capacity.js';
import { TaskEngine } from './task-engine.js';

export interface RemoteAgentOptions {
  server: string;
  cluster: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  runtime: ContainerRuntime;
  hostIp: string;
  availabilityZone: string;
  /** Serve FARGATE tasks as Berth-managed capacity instead of joining `cluster`. */
  fargate?: boolean;
  logger: AgentLogger;
}

/** Wait after a failed poll or report before trying again. */
const RETRY_MS = 1_000;

/**
 * `berth agent`: one container instance on this host's Docker engine. It registers through the
 * ECS API (RegisterContainerInstance, as the ECS agent does), restores what it ran before, then
 * long-polls the control plane for its assignments and sends back task reports, for ever: both
 * loops are level-triggered, so a lost request or a control-plane restart costs only a retry.
 */
export class RemoteAgent {
  readonly #abort = new AbortController();
  readonly #client: ControlPlaneClient;
  readonly #pending = new Map<string, TaskReport>();
  #wakeReporter: (() => void) | undefined;
  #engine: TaskEngine | undefined;
  #loops: Promise<unknown> | undefined;
  /** The ARN users see, or `managed/<id>` for Fargate capacity. */
  containerInstanceArn: string | undefined;

  constructor(private readonly options: RemoteAgentOptions) {
    this.#client = new ControlPlaneClient(options);
  }

  async start(): Promise<void> {
    const { runtime, logger } = this.options;
    const info = await runtime.info();
    this.containerInstanceArn = await this.#register(info);
    const instanceId = this.containerInstanceArn.split('/').at(-1)!;
    this.#engine = new TaskEngine({
      runtime,
      cluster: this.options.fargate ? 'berth-managed' : this.options.cluster,
      labels: { 'berth.instance-id': instanceId },
      hostIp: this.options.hostIp,
      logger,
      onReport: (report) => {
        this.#pending.set(report.taskArn, report);
        this.#wakeReporter?.();
      },
    });
    await this.#engine.restore();
    this.#loops = Promise.all([this.#pollLoop(info), this.#reportLoop()]);
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    this.#wakeReporter?.();
    await this.#loops?.catch(() => undefined);
    await this.#engine?.close();
  }

  async #register(info: Awaited<ReturnType<ContainerRuntime['info']>>): Promise<string> {
    if (this.options.fargate) {
      const id = await this.#client.registerManaged({
        ec2InstanceId: hostInstanceId(`fargate/${this.options.server}`),
        registeredResources: hostResources(info.cpus, info.memoryBytes),
        versionInfo: { agentVersion: AGENT_VERSION, agentHash: 'berth', dockerVersion: `DockerVersion: ${info.engineVersion}` },
        attributes: hostAttributes(info.architecture, info.apiVersion),
      }, this.#abort.signal);
      return `managed/${id}`;
    }
    const ecs = new ECSClient({ endpoint: this.options.server, region: this.options.region, credentials: this.options.credentials });
    const instanceId = hostInstanceId(`${this.options.region}/${this.options.cluster}`);
    const out = await ecs.send(new RegisterContainerInstanceCommand({
      cluster: this.options.cluster,
      instanceIdentityDocument: JSON.stringify({ instanceId, region: this.options.region, availabilityZone: this.options.availabilityZone, instanceType: 'berth' }),
      totalResources: hostResources(info.cpus, info.memoryBytes),
      versionInfo: { agentVersion: AGENT_VERSION, agentHash: 'berth', dockerVersion: `DockerVersion: ${info.engineVersion}` },
      attributes: [
        ...hostAttributes(info.architecture, info.apiVersion), { name: 'ecs.availability-zone', value: this.options.availabilityZone },
        // Where its bridge tasks' host ports are: load balancers reach `instance` targets there.
        { name: HOST_IP_ATTRIBUTE, value: this.options.hostIp },
      ],
    }), { abortSignal: this.#abort.signal });
    ecs.destroy();
    return out.containerInstance!.containerInstanceArn!;
  }

  async #pollLoop(info: Awaited<ReturnType<ContainerRuntime['info']>>): Promise<void> {
    let known: number | undefined;
    while (!this.#abort.signal.aborted) {
      try {
        const arn = this.containerInstanceArn!;
        const instance = arn.startsWith('managed/') ? { managedInstanceId: arn.slice('managed/'.length) } : { containerInstanceArn: arn };
        const { version, assignments } = await this.#client.poll(instance, known, this.#abort.signal);
        known = version;
        this.#engine!.apply(assignments);
      } catch (error) {
        if (this.#abort.signal.aborted) return;
        // A deregistered instance registers again (as a new instance, as on ECS).
        if (error instanceof ControlPlaneError && error.code === 'ClientException') this.containerInstanceArn = await this.#register(info).catch(() => this.containerInstanceArn);
        else this.options.logger.warn(`poll failed: ${String(error)}`);
        known = undefined;
        await this.#sleep(RETRY_MS);
      }
    }
  }

  async #reportLoop(): Promise<void> {
    while (!this.#abort.signal.aborted) {
      if (this.#pending.size === 0) {
        await new Promise<void>((resolve) => { this.#wakeReporter = resolve; });
        this.#wakeReporter = undefined;
        continue;
      }
      const batch = [...this.#pending.values()];
      this.#pending.clear();
      try {
        await this.#client.report(batch, this.#abort.signal);
      } catch (error) {
        if (this.#abort.signal.aborted) return;
        // Keep what was not sent, unless a newer report of the same task came in meanwhile.
        for (const report of batch) if (!this.#pending.has(report.taskArn)) this.#pending.set(report.taskArn, report);
        this.options.logger.warn(`report failed: ${String(error)}`);
        await this.#sleep(RETRY_MS);
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#abort.signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
  }
}
