/** A new runner's state from its first assignment: every container NONE, overrides applied. */
import { applyContainerOverrides } from '../domain/ecs/task.js';
import type { DependencyCondition } from './dependency-graph.js';
import { sandboxContainerName, taskIdOf, taskNetworkName } from './labels.js';
import type { TaskAssignment } from '../domain/ecs/task-contract.js';
import type { ManagedContainer, TaskState } from './task-state.js';

export function createTaskState(assignment: TaskAssignment, defaultStopTimeoutSeconds: number): TaskState {
  const definition = assignment.taskDefinition;
  const taskId = taskIdOf(assignment.taskArn);
  const containers: ManagedContainer[] = (definition.containerDefinitions ?? []).map((d) => {
    const def = applyContainerOverrides(d, assignment.overrides);
    const check = def.healthCheck?.command;
    return {
      def,
      name: def.name!,
      essential: def.essential !== false,
      hasHealthCheck: check !== undefined && check.length > 0 && check[0] !== 'NONE',
      dependsOn: (def.dependsOn ?? []).map((x) => ({ containerName: x.containerName!, condition: x.condition as DependencyCondition })),
      stopTimeoutSeconds: def.stopTimeout ?? defaultStopTimeoutSeconds,
      known: 'NONE',
      health: 'UNKNOWN',
      networkBindings: [],
    };
  });
  const stopping = assignment.desiredStatus === 'STOPPED';
  const code = assignment.stopCode;
  return {
    taskArn: assignment.taskArn,
    taskId,
    definition,
    assignment,
    known: 'NONE',
    desired: assignment.desiredStatus,
    containers,
    adopted: false,
    ...(definition.networkMode === 'awsvpc'
      ? { sandbox: { network: taskNetworkName(taskId), pauseName: sandboxContainerName(taskId), networkCreated: false, ready: false, removed: false } }
      : {}),
    ...(stopping && (code === 'TaskFailedToStart' || code === 'EssentialContainerExited') ? { stopCode: code } : {}),
    ...(stopping && assignment.stoppedReason !== undefined ? { stoppedReason: assignment.stoppedReason } : {}),
  };
}
