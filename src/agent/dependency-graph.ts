/**
 * Container ordering by `dependsOn` (ECS agent `dependencygraph/graph.go`): which containers may
 * start now, which never can, and the reverse order for stopping. Pure; the runner asks, then acts.
 *
 * Conditions (semantics.md §1.7): START — the dependency has started; COMPLETE — it has exited;
 * SUCCESS — it has exited 0; HEALTHY — its health check passed.
 */
import type { WireHealth } from './health.js';
import { isAtLeast, type KnownStatus } from './statuses.js';

export type DependencyCondition = 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY';

export interface Dependency {
  readonly containerName: string;
  readonly condition: DependencyCondition;
}

export interface DependencyNode {
  readonly name: string;
  readonly known: KnownStatus;
  /** Whether it ever ran (a container stopped before it started never did). */
  readonly started: boolean;
  readonly exitCode?: number;
  readonly health: WireHealth;
  readonly hasHealthCheck: boolean;
  readonly dependsOn: readonly Dependency[];
}

export type Resolution =
  | { readonly state: 'resolved' }
  | { readonly state: 'waiting' }
  /** It can never be met; `reason` says why, for the container's `reason`. */
  | { readonly state: 'impossible'; readonly reason: string };

const RESOLVED: Resolution = { state: 'resolved' };
const WAITING: Resolution = { state: 'waiting' };

/** Whether `condition` on `target` holds now, may hold later, or never will. */
export function resolveDependency(condition: DependencyCondition, target: DependencyNode): Resolution {
  const stopped = target.known === 'STOPPED';
  const never = (why: string): Resolution => ({ state: 'impossible', reason: `dependency ${target.name} ${why} (condition ${condition})` });
  if (stopped && !target.started) return never('stopped without starting');
  switch (condition) {
    case 'START':
      return isAtLeast(target.known, 'RUNNING') ? RESOLVED : WAITING;
    case 'COMPLETE':
      return stopped ? RESOLVED : WAITING;
    case 'SUCCESS':
      if (!stopped) return WAITING;
      return target.exitCode === 0 ? RESOLVED : never(`exited with code ${target.exitCode ?? 'unknown'}`);
    case 'HEALTHY':
      if (!target.hasHealthCheck) return never('has no health check');
      if (target.health === 'HEALTHY' && !stopped) return RESOLVED;
      return stopped ? never('stopped before it was healthy') : WAITING;
  }
}

export interface StartPlan {
  /** Created containers whose every dependency is met. */
  readonly startable: string[];
  /** Containers that can never start, with the first reason found. */
  readonly impossible: { readonly name: string; readonly reason: string }[];
}

/** Which CREATED containers to start now, and which can never start. */
export function computeStartPlan(nodes: readonly DependencyNode[]): StartPlan {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const plan: StartPlan = { startable: [], impossible: [] };
  for (const node of nodes) {
    if (node.known !== 'CREATED') continue;
    let ready = true;
    let impossible: string | undefined;
    for (const dep of node.dependsOn) {
      const target = byName.get(dep.containerName);
      const r: Resolution = target ? resolveDependency(dep.condition, target) : { state: 'impossible', reason: `dependency ${dep.containerName} is not in the task` };
      if (r.state === 'impossible') {
        impossible = r.reason;
        break;
      }
      if (r.state === 'waiting') ready = false;
    }
    if (impossible !== undefined) plan.impossible.push({ name: node.name, reason: impossible });
    else if (ready) plan.startable.push(node.name);
  }
  return plan;
}

/**
 * Running containers that may be stopped now: shutdown is startup reversed, so a container waits
 * until every running container that depends on it has stopped.
 */
export function selectStoppable(nodes: readonly DependencyNode[]): string[] {
  const running = nodes.filter((n) => n.known === 'RUNNING');
  const runningNames = new Set(running.map((n) => n.name));
  const heldBy = new Set<string>();
  for (const n of running) for (const d of n.dependsOn) if (runningNames.has(d.containerName)) heldBy.add(d.containerName);
  return running.filter((n) => !heldBy.has(n.name)).map((n) => n.name);
}

/** A reason the graph can never work (a missing container, a cycle), or undefined. */
export function findDependencyProblem(nodes: readonly Pick<DependencyNode, 'name' | 'dependsOn'>[]): string | undefined {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  for (const n of nodes) {
    for (const d of n.dependsOn) if (!byName.has(d.containerName)) return `container ${n.name} depends on ${d.containerName}, which is not in the task`;
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): string | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return `dependsOn has a cycle: ${[...path, name].join(' -> ')}`;
    state.set(name, 'visiting');
    for (const d of byName.get(name)?.dependsOn ?? []) {
      const found = visit(d.containerName, [...path, name]);
      if (found) return found;
    }
    state.set(name, 'done');
    return undefined;
  };
  for (const n of nodes) {
    const found = visit(n.name, []);
    if (found) return found;
  }
  return undefined;
}
