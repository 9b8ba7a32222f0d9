import type { AgentLogger } from '../agent/agent-logger.js';
import { AGENT_VERSION, hostAttributes, hostResources, hostInstanceId } from '../agent/host-capacity.js';
import { TaskEngine } from '../agent/task-engine.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import type { ContainerInstanceService } from '../services/ecs/container-instance-service.js';
import { MANAGED } from '../services/ecs/container-instance-service.js';
import type { TaskService } from '../services/ecs/task-service.js';

const HEARTBEAT_MS = 15_000;
/** Level-triggered safety net: assignments are fetched this often even without a nudge. */
const RESYNC_MS = 10_000;

export interface EmbeddedAgentDeps {
  runtime: ContainerRuntime;
  tasks: TaskService;
  containerInstances: ContainerInstanceService;
  hostIp: string;
  /** Ready awsvpc sandboxes (network + pause container) kept for the next FARGATE tasks. */
  warmSandboxes: number;
  /** Distinguishes hosts (and data dirs) so the managed instance id stays the same across restarts. */
  identity: string;
  log: (line: string) => void;
}

export interface EmbeddedAgent {
  instanceId: string;
  close(): Promise<void>;
}

/**
 * The agent inside `berth up`: Berth-managed capacity on the local Docker engine, where FARGATE
 * tasks run. It registers the host's resources, restores what it was running, and applies its
 * assignments whenever the control plane says they changed (and every few seconds regardless).
 * Undefined when no Docker engine answers: the API still serves, tasks wait for capacity.
 */
export async function startEmbeddedAgent(deps: EmbeddedAgentDeps): Promise<EmbeddedAgent | undefined> {
  let info;
  try {
    info = await deps.runtime.info();
  } catch (error) {
    deps.log(`berth: no Docker engine answers (${error instanceof Error ? error.message : String(error)}); FARGATE tasks cannot run until one does`);
    return undefined;
  }
  const instanceId = await deps.containerInstances.registerManaged({
    ec2InstanceId: hostInstanceId(deps.identity),
    registeredResources: hostResources(info.cpus, info.memoryBytes),
    versionInfo: { agentVersion: AGENT_VERSION, agentHash: 'berth', dockerVersion: `DockerVersion: ${info.engineVersion}` },
    attributes: hostAttributes(info.architecture, info.apiVersion),
  });
  const logger: AgentLogger = {
    info: () => undefined,
    warn: (message) => deps.log(`berth agent: ${message}`),
    error: (message) => deps.log(`berth agent: ${message}`),
  };
  const engine = new TaskEngine({
    runtime: deps.runtime,
    cluster: 'berth-managed',
    labels: { 'berth.instance-id': instanceId },
    hostIp: deps.hostIp,
    logger,
    // Fargate-style capacity keeps ready awsvpc sandboxes, so a task starts about as fast as `docker run`.
    warmSandboxes: deps.warmSandboxes,
    onReport: (report) => {
      deps.tasks.applyReport(report).catch((error: unknown) => deps.log(`berth agent: report for ${report.taskArn} failed: ${String(error)}`));
    },
  });
  await engine.restore();

  // One sync at a time; a nudge during a sync makes one more run after it.
  let running: Promise<void> | undefined;
  let again = false;
  const sync = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        engine.apply(await deps.tasks.assignmentsFor(instanceId));
      } while (again);
    })().catch((error: unknown) => deps.log(`berth agent: sync failed: ${String(error)}`)).finally(() => { running = undefined; });
  };
  const unsubscribe = deps.tasks.onAssignmentsChanged((id) => { if (id === instanceId) sync(); });
  const heartbeat = setInterval(() => {
    deps.containerInstances.heartbeat(MANAGED, MANAGED, instanceId).catch(() => undefined);
  }, HEARTBEAT_MS);
  const resync = setInterval(sync, RESYNC_MS);
  heartbeat.unref();
  resync.unref();
  sync();

  return {
    instanceId,
    async close() {
      unsubscribe();
      clearInterval(heartbeat);
      clearInterval(resync);
      await running;
      await engine.close();
    },
  };
}
