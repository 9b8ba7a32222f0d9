import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { Attribute, Resource } from '@aws-sdk/client-ecs';
import type { AgentLogger } from '../agent/agent-logger.js';
import { TaskEngine } from '../agent/task-engine.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import type { ContainerInstanceService } from '../services/ecs/container-instance-service.js';
import { MANAGED } from '../services/ecs/container-instance-service.js';
import type { TaskService } from '../services/ecs/task-service.js';

/** Ports the ECS agent reserves on a Linux host by default (ssh, Docker, the agent's own). */
const RESERVED_PORTS = ['22', '2375', '2376', '51678', '51679'];
/** MiB left to the host and Docker itself, as ECS_RESERVED_MEMORY would. */
const RESERVED_MEMORY_MIB = 256;
const HEARTBEAT_MS = 15_000;
/** Level-triggered safety net: assignments are fetched this often even without a nudge. */
const RESYNC_MS = 10_000;
export const AGENT_VERSION = '1.0.0-berth';

export interface EmbeddedAgentDeps {
  runtime: ContainerRuntime;
  tasks: TaskService;
  containerInstances: ContainerInstanceService;
  hostIp: string;
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
    ec2InstanceId: `i-${createHash('sha256').update(`${hostname()}\0${deps.identity}`).digest('hex').slice(0, 17)}`,
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

function hostResources(cpus: number, memoryBytes: number): Resource[] {
  return [
    { name: 'CPU', type: 'INTEGER', integerValue: cpus * 1024 },
    { name: 'MEMORY', type: 'INTEGER', integerValue: Math.max(0, Math.floor(memoryBytes / 1048576) - RESERVED_MEMORY_MIB) },
    { name: 'PORTS', type: 'STRINGSET', stringSetValue: RESERVED_PORTS },
    { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
  ];
}

/** The attributes the ECS agent registers: OS, architecture, and the Docker API versions it speaks. */
function hostAttributes(architecture: string, apiVersion: string): Attribute[] {
  const [, minor = '41'] = apiVersion.split('.');
  const apis = Array.from({ length: Number(minor) - 16 }, (_, i) => ({ name: `com.amazonaws.ecs.capability.docker-remote-api.1.${17 + i}` }));
  return [
    { name: 'ecs.os-type', value: 'linux' },
    { name: 'ecs.os-family', value: 'LINUX' },
    { name: 'ecs.cpu-architecture', value: architecture },
    ...apis,
    { name: 'ecs.capability.task-eni' },
    { name: 'ecs.capability.container-health-check' },
    { name: 'ecs.capability.container-ordering' },
    { name: 'ecs.capability.execution-role-awslogs' },
    { name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' },
    { name: 'com.amazonaws.ecs.capability.logging-driver.json-file' },
    { name: 'com.amazonaws.ecs.capability.task-iam-role' },
    { name: 'ecs.capability.env-files.s3' },
  ];
}
