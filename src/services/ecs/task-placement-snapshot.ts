import type { Scope } from '../../domain/arn.js';
import { AGENT_QUIET_LIMIT_MS, containerInstanceArn } from '../../domain/ecs/container-instance.js';
import type { InstanceSnapshot } from '../../scheduler/placement-types.js';
import type { ContainerInstanceRecord } from '../../store/container-instance-store.js';
import type { Stores } from '../../store/stores.js';
import type { LiveReservation } from '../../store/task-store.js';

/**
 * The placement snapshot of container instances: what each registered, minus what its live tasks
 * reserve (ECS's remainingResources), with the facts constraints and strategies read.
 */
export async function snapshotInstances(stores: Stores, scope: Scope, records: readonly ContainerInstanceRecord[], now: number): Promise<InstanceSnapshot[]> {
  const snapshots: InstanceSnapshot[] = [];
  const byInstance = new Map<string, LiveReservation[]>();
  for (const live of await stores.tasks.reservationsOn(records.map((r) => r.id))) {
    const list = byInstance.get(live.instanceId);
    if (list) list.push(live);
    else byInstance.set(live.instanceId, [live]);
  }
  for (const record of records) {
    const tasks = byInstance.get(record.id) ?? [];
    const registered = new Map(record.body.registeredResources.map((r) => [r.name, r]));
    const ports = new Set((registered.get('PORTS')?.stringSetValue ?? []).map(Number));
    const portsUdp = new Set((registered.get('PORTS_UDP')?.stringSetValue ?? []).map(Number));
    const dynamicPorts = new Set<number>();
    const dynamicPortsUdp = new Set<number>();
    let cpu = registered.get('CPU')?.integerValue ?? 0;
    let memory = registered.get('MEMORY')?.integerValue ?? 0;
    for (const task of tasks) {
      cpu -= task.reservation.cpu;
      memory -= task.reservation.memory;
      task.reservation.ports.forEach((p) => ports.add(p));
      task.reservation.portsUdp.forEach((p) => portsUdp.add(p));
      task.reservation.dynamicPorts.forEach((p) => dynamicPorts.add(p));
      task.reservation.dynamicPortsUdp.forEach((p) => dynamicPortsUdp.add(p));
    }
    const arn = record.managed ? record.id : containerInstanceArn(scope, record.cluster, record.id);
    const custom = record.managed ? [] : await stores.attributes.forTarget(scope.region, record.cluster, arn);
    snapshots.push({
      arn,
      ec2InstanceId: record.ec2InstanceId,
      status: record.status,
      agentConnected: now - record.lastSeenAt <= AGENT_QUIET_LIMIT_MS,
      ...(record.body.versionInfo.agentVersion ? { agentVersion: record.body.versionInfo.agentVersion } : {}),
      attributes: Object.fromEntries([
        ...record.body.attributes.map((a) => [a.name!, a.value] as const),
        ...custom.map((a) => [a.name, a.value ?? undefined] as const),
      ]),
      registeredAt: record.registeredAt,
      runningTasksCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
      taskGroups: tasks.map((t) => t.group),
      remaining: { cpu, memory, ports, portsUdp },
      dynamicPorts,
      dynamicPortsUdp,
    });
  }
  return snapshots;
}
