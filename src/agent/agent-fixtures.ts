/**
 * Test fixtures for the agent (unit tests here, Docker tests in test/agent): assignment builders
 * with defaults, a report log, and a runtime wrapper that records calls. Not used by the agent.
 */
import type { ContainerDefinition, TaskDefinition } from '@aws-sdk/client-ecs';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import type { TaskAssignment, TaskReport } from '../domain/ecs/task-contract.js';

let nextTask = 1;

/** A container definition: busybox sleeping, essential by default. */
export function container(over: ContainerDefinition & { name: string }, image = 'berth-test/busybox:latest'): ContainerDefinition {
  return { image, command: ['sleep', '300'], ...over };
}

export interface AssignmentOptions extends Partial<Omit<TaskAssignment, 'taskDefinition'>> {
  readonly containers?: ContainerDefinition[];
  readonly taskDefinition?: Partial<TaskDefinition>;
  /** Prefix of the task id, e.g. a test run's id, so parallel runs never share names. */
  readonly idPrefix?: string;
}

/** An assignment of a new task (a fresh task id each call), desired RUNNING, bridge networking. */
export function assignment(options: AssignmentOptions = {}): TaskAssignment {
  const { containers, taskDefinition, idPrefix, ...rest } = options;
  const id = `${idPrefix ?? 'task'}${String(nextTask++).padStart(4, '0')}`;
  return {
    taskArn: `arn:aws:ecs:us-east-1:000000000000:task/default/${id}`,
    clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/default',
    version: 1,
    desiredStatus: 'RUNNING',
    launchType: 'EC2',
    hostPorts: [],
    ...rest,
    taskDefinition: {
      family: 'web', revision: 3, networkMode: 'bridge',
      containerDefinitions: containers ?? [container({ name: 'app' })],
      ...taskDefinition,
    },
  };
}

/** The same assignment, changed as the control plane changes it: a newer version. */
export function revise(a: TaskAssignment, change: Partial<TaskAssignment>): TaskAssignment {
  return { ...a, ...change, version: a.version + 1 };
}

/** Every report an engine sent, by task. */
export class ReportLog {
  readonly all: TaskReport[] = [];
  readonly onReport = (report: TaskReport): void => {
    this.all.push(structuredClone(report));
  };

  history(taskArn: string): TaskReport[] {
    return this.all.filter((r) => r.taskArn === taskArn);
  }

  latest(taskArn: string): TaskReport {
    const r = this.history(taskArn).at(-1);
    if (!r) throw new Error(`no report for ${taskArn} yet`);
    return r;
  }

  /** The task's lastStatus values in order, repeats collapsed. */
  statuses(taskArn: string): string[] {
    return this.history(taskArn).map((r) => r.lastStatus).filter((s, i, xs) => s !== xs[i - 1]);
  }

  container(taskArn: string, name: string) {
    const c = this.latest(taskArn).containers.find((x) => x.name === name);
    if (!c) throw new Error(`no container ${name} in the report of ${taskArn}`);
    return c;
  }
}

export interface RecordedCall {
  readonly method: string;
  readonly args: unknown[];
}

/** `runtime` with every port call recorded in `calls`, in order. */
export function recording<R extends ContainerRuntime>(runtime: R): { runtime: R; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const proxy = new Proxy(runtime, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push({ method: String(key), args });
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { runtime: proxy, calls };
}
