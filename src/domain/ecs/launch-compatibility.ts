import type { Compatibility, ContainerDefinition, RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import { isValidFargateCombination } from './fargate.js';
import { isEcrImage } from './requires-attributes.js';

/**
 * Which launch types a task definition can run on. ECS checks FARGATE's rules when a definition
 * requires FARGATE (and rejects it with the first broken rule), and reports FARGATE in
 * `compatibilities` whenever the definition happens to meet them.
 */

export interface TaskShape {
  input: RegisterTaskDefinitionRequest;
  containers: readonly ContainerDefinition[];
  /** Normalised task-level sizes. */
  cpu: number | undefined;
  memory: number | undefined;
}

/** The first Fargate rule `task` breaks, as ECS's ClientException message; undefined when it fits Fargate. */
export function fargateProblem({ input, containers, cpu, memory }: TaskShape): string | undefined {
  // Typographic quotes, as in AWS's own text.
  if (input.networkMode !== 'awsvpc') return 'Fargate only supports network mode \u2018awsvpc\u2019.';
  if (cpu === undefined) return "Fargate requires that 'cpu' be defined at the task level.";
  if (memory === undefined) return "Fargate requires that 'memory' be defined at the task level.";
  if (!isValidFargateCombination(cpu, memory)) {
    return `No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`;
  }
  if (input.pidMode === 'host') {
    return "Tasks using the Fargate launch type do not support pidMode 'host'. The supported value for pidMode is 'task'.";
  }
  if (input.ipcMode !== undefined) return 'Tasks using the Fargate launch type do not support ipcMode.';
  // Fargate has no host file system to bind; an empty `host` (task-scoped bind mount) is fine.
  if ((input.volumes ?? []).some((v) => v.host?.sourcePath !== undefined)) {
    return 'Fargate compatible task definitions do not support sourcePath';
  }
  const executionRole = input.executionRoleArn !== undefined && input.executionRoleArn !== '';
  if (!executionRole && containers.some((c) => c.logConfiguration?.logDriver === 'awslogs')) {
    return 'Fargate requires task definition to have execution role ARN to support log driver awslogs.';
  }
  if (!executionRole && containers.some((c) => isEcrImage(c.image))) {
    return 'Fargate requires task definition to have execution role ARN to support ECR images.';
  }
  return undefined;
}

/**
 * EC2 runs every network mode; EXTERNAL (ECS Anywhere) runs all but awsvpc. In the order ECS
 * returns them: ["EXTERNAL", "EC2"], ["EC2"] or ["EC2", "FARGATE"].
 */
export function computeCompatibilities(
  networkMode: string | undefined,
  fitsFargate: boolean,
  required: readonly Compatibility[],
): Compatibility[] {
  const out: Compatibility[] = [];
  if (networkMode !== 'awsvpc') out.push('EXTERNAL');
  out.push('EC2');
  if (fitsFargate) out.push('FARGATE');
  // Managed Instances rules are not modelled; a definition that asks for it gets it.
  if (required.includes('MANAGED_INSTANCES')) out.push('MANAGED_INSTANCES');
  return out;
}

/** The ClientException text when a required launch type is not one the definition can run on. */
export function externalProblem(networkMode: string | undefined): string | undefined {
  return networkMode === 'awsvpc'
    ? "Tasks using the External launch type do not support network mode 'awsvpc'."
    : undefined;
}
