import type { Compatibility, ContainerDefinition, RegisterTaskDefinitionRequest, TaskDefinition } from '@aws-sdk/client-ecs';
import { ServiceError } from '../../kit/errors.js';
import { completeContainer, orderMembers, validateContainerNames, validateDependencies } from './container-definition.js';
import { parseTaskCpu, parseTaskMemory } from './fargate.js';
import { computeCompatibilities, externalProblem, fargateProblem } from './launch-compatibility.js';
import { NAME_PATTERN } from './names.js';
import { requiresAttributes } from './requires-attributes.js';

/**
 * RegisterTaskDefinition's rules and the TaskDefinition ECS stores: pure, so the service decides
 * revision, ARN, time and caller. Texts are AWS's where known (see research notes §6).
 */

export interface RegistrationContext {
  arn: string;
  revision: number;
  registeredAt: Date;
  registeredBy: string;
}

/** ECS quota "task definition max size". */
export const MAX_TASK_DEFINITION_BYTES = 65536;
/** ECS quota "containers per task definition" (not adjustable). */
export const MAX_CONTAINERS = 10;
/** EC2/EXTERNAL task cpu bounds from the API reference: 0.125 to 192 vCPU. */
const TASK_CPU_MIN = 128;
const TASK_CPU_MAX = 196608;

const NETWORK_MODES = ['bridge', 'host', 'awsvpc', 'none'];
const COMPATIBILITIES: readonly string[] = ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'];

const fail = (message: string) => new ServiceError('ClientException', message);

export function validateFamily(family: string | undefined): string {
  if (family === undefined || family === '') throw fail('Family can not be blank.');
  if (!NAME_PATTERN.test(family)) throw fail('Family contains invalid characters.');
  return family;
}

/** Rejects a definition (tags aside) whose JSON is over 64 KiB, with AWS's text. */
export function validateTaskDefinitionSize(input: RegisterTaskDefinitionRequest): void {
  const { tags: _tags, ...definition } = input;
  const bytes = new TextEncoder().encode(JSON.stringify(definition)).length;
  if (bytes > MAX_TASK_DEFINITION_BYTES) {
    throw fail(`Actual length: '${bytes}'. Max allowed length is '${MAX_TASK_DEFINITION_BYTES}' bytes.`);
  }
}

/**
 * Validates a RegisterTaskDefinition input exactly as ECS does and returns the TaskDefinition ECS
 * would store and return (without tags). Throws ServiceError with ECS's error types and texts.
 */
export function computeTaskDefinition(request: RegisterTaskDefinitionRequest, ctx: RegistrationContext): TaskDefinition {
  validateTaskDefinitionSize(request);
  // A copy, so the stored definition shares nothing with the caller's request.
  const input = structuredClone(request);
  const family = validateFamily(input.family);
  const given = input.containerDefinitions ?? [];
  if (given.length === 0) throw fail('Container list cannot be empty.');
  if (given.length > MAX_CONTAINERS) throw fail('Too many containers.');
  validateNetworkMode(input.networkMode);
  const required = validateRequiredCompatibilities(input.requiresCompatibilities);
  const cpu = taskSize('cpu', input.cpu);
  const memory = taskSize('memory', input.memory);

  validateContainerNames(given);
  const containers = given.map((c) => completeContainer(c, { networkMode: input.networkMode, taskMemory: memory }));
  validateDependencies(containers);
  validateTotals(containers, cpu, memory);

  const fargate = fargateProblem({ input, containers, cpu, memory });
  if (fargate !== undefined && required.includes('FARGATE')) throw fail(fargate);
  const external = externalProblem(input.networkMode);
  if (external !== undefined && required.includes('EXTERNAL')) throw fail(external);

  const attributes = requiresAttributes(input, containers);
  // Member order follows ECS's JSON; members the caller left out stay out (no "bridge" default).
  return orderMembers<TaskDefinition>(
    {
      taskDefinitionArn: ctx.arn,
      containerDefinitions: containers,
      family,
      taskRoleArn: input.taskRoleArn,
      executionRoleArn: input.executionRoleArn,
      networkMode: input.networkMode,
      revision: ctx.revision,
      volumes: input.volumes ?? [],
      status: 'ACTIVE',
      requiresAttributes: attributes.length > 0 ? attributes : undefined,
      placementConstraints: input.placementConstraints ?? [],
      compatibilities: computeCompatibilities(input.networkMode, fargate === undefined, required),
      runtimePlatform: input.runtimePlatform,
      requiresCompatibilities: input.requiresCompatibilities,
      cpu: cpu === undefined ? undefined : String(cpu),
      memory: memory === undefined ? undefined : String(memory),
      inferenceAccelerators: input.inferenceAccelerators,
      pidMode: input.pidMode,
      ipcMode: input.ipcMode,
      proxyConfiguration: input.proxyConfiguration,
      registeredAt: ctx.registeredAt,
      registeredBy: ctx.registeredBy,
      ephemeralStorage: input.ephemeralStorage,
      enableFaultInjection: input.enableFaultInjection ?? false,
    },
    [],
  );
}

function validateNetworkMode(mode: string | undefined): void {
  if (mode !== undefined && !NETWORK_MODES.includes(mode)) {
    throw new ServiceError('InvalidParameterException', `Invalid network mode '${mode}'. Valid values are bridge, host, awsvpc and none.`);
  }
}

function validateRequiredCompatibilities(values: readonly string[] | undefined): Compatibility[] {
  for (const v of values ?? []) {
    if (!COMPATIBILITIES.includes(v)) {
      throw new ServiceError(
        'InvalidParameterException',
        `Invalid compatibility '${v}'. Valid values are EC2, FARGATE, EXTERNAL and MANAGED_INSTANCES.`,
      );
    }
  }
  return (values ?? []) as Compatibility[];
}

/** Task cpu units / memory MiB from ECS's accepted spellings; ECS returns them as integer strings. */
function taskSize(member: 'cpu' | 'memory', value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = member === 'cpu' ? parseTaskCpu(value) : parseTaskMemory(value);
  const inRange = n !== undefined && (member === 'memory' || (n >= TASK_CPU_MIN && n <= TASK_CPU_MAX));
  if (!inRange) throw fail(`Invalid '${member}' setting for task.`);
  return n;
}

/** Containers' reservations must fit inside the task's size. */
function validateTotals(containers: readonly ContainerDefinition[], cpu: number | undefined, memory: number | undefined): void {
  const sum = (pick: (c: ContainerDefinition) => number | undefined) =>
    containers.reduce((total, c) => total + (pick(c) ?? 0), 0);
  if (cpu !== undefined && sum((c) => c.cpu) > cpu) {
    throw fail("The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.");
  }
  if (memory !== undefined && sum((c) => c.memoryReservation) > memory) {
    throw fail("The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'.");
  }
}
