import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerDefinition, RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import {
  computeTaskDefinition, MAX_TASK_DEFINITION_BYTES, type RegistrationContext, validateFamily,
} from './task-definition.js';

const ctx: RegistrationContext = {
  arn: 'arn:aws:ecs:us-west-2:123456789012:task-definition/sleep360:2',
  revision: 2,
  registeredAt: new Date('2026-01-02T03:04:05.678Z'),
  registeredBy: 'arn:aws:iam::123456789012:user/me',
};

const app = (over: Partial<ContainerDefinition> = {}): ContainerDefinition => ({ name: 'app', image: 'busybox', memory: 128, ...over });
const ec2 = (over: Partial<RegisterTaskDefinitionRequest> = {}): RegisterTaskDefinitionRequest =>
  ({ family: 'web', containerDefinitions: [app()], ...over });
const fargate = (over: Partial<RegisterTaskDefinitionRequest> = {}): RegisterTaskDefinitionRequest => ({
  family: 'web', requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '512',
  containerDefinitions: [{ name: 'app', image: 'busybox' }], ...over,
});
const compute = (input: RegisterTaskDefinitionRequest) => computeTaskDefinition(input, ctx);

type Rejection = [title: string, input: RegisterTaskDefinitionRequest, message: string, code?: string];
function rejects(cases: Rejection[]) {
  for (const [title, input, message, code = 'ClientException'] of cases) {
    it(title, () => assert.throws(() => compute(input), { code, message }));
  }
}

describe('worked examples: the defaults ECS fills in', () => {
  it('the aws-cli register-task-definition example (EC2, nothing optional given)', () => {
    const out = compute({
      family: 'sleep360',
      containerDefinitions: [{ name: 'sleep', image: 'busybox', cpu: 10, command: ['sleep', '360'], memory: 10, essential: true }],
    });
    const expected = {
      taskDefinitionArn: ctx.arn,
      containerDefinitions: [{
        name: 'sleep', image: 'busybox', cpu: 10, memory: 10, portMappings: [], essential: true,
        command: ['sleep', '360'], environment: [], mountPoints: [], volumesFrom: [],
      }],
      family: 'sleep360',
      revision: 2,
      volumes: [],
      status: 'ACTIVE',
      placementConstraints: [],
      compatibilities: ['EXTERNAL', 'EC2'],
      registeredAt: ctx.registeredAt,
      registeredBy: ctx.registeredBy,
      enableFaultInjection: false,
    };
    assert.deepEqual(out, expected);
    // Same members in the same order as ECS's JSON (networkMode, requiresCompatibilities, cpu, memory absent).
    assert.equal(JSON.stringify(out), JSON.stringify(expected));
  });

  it('a Fargate definition with sizes spelled in vCPU/GB, a port and a health check', () => {
    const out = compute(fargate({
      cpu: '.25 vCPU',
      memory: '0.5 GB',
      executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
      containerDefinitions: [{
        name: 'web', image: 'nginx', essential: true,
        portMappings: [{ containerPort: 8080 }],
        healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/ || exit 1'] },
      }],
    }));
    assert.deepEqual(out.containerDefinitions, [{
      name: 'web', image: 'nginx', cpu: 0,
      portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
      essential: true, environment: [], mountPoints: [], volumesFrom: [],
      healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/ || exit 1'], interval: 30, timeout: 5, retries: 3 },
    }]);
    assert.equal(out.cpu, '256');
    assert.equal(out.memory, '512');
    assert.equal(out.networkMode, 'awsvpc');
    assert.deepEqual(out.requiresCompatibilities, ['FARGATE']);
    assert.deepEqual(out.compatibilities, ['EC2', 'FARGATE']);
    assert.deepEqual(out.requiresAttributes?.map((a) => a.name), [
      'ecs.capability.container-health-check',
      'com.amazonaws.ecs.capability.docker-remote-api.1.18',
      'ecs.capability.task-eni',
    ]);
    assert.deepEqual(Object.keys(out), [
      'taskDefinitionArn', 'containerDefinitions', 'family', 'executionRoleArn', 'networkMode', 'revision', 'volumes',
      'status', 'requiresAttributes', 'placementConstraints', 'compatibilities', 'requiresCompatibilities', 'cpu',
      'memory', 'registeredAt', 'registeredBy', 'enableFaultInjection',
    ]);
  });

  it('keeps every member it was given and shares nothing with the request', () => {
    const input = ec2({
      taskRoleArn: 'arn:aws:iam::123456789012:role/task', pidMode: 'task', enableFaultInjection: true,
      volumes: [{ name: 'data', host: { sourcePath: '/srv/data' } }],
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' }],
      containerDefinitions: [app({
        ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 4096 }], dockerLabels: { team: 'a' },
        environment: [{ name: 'A', value: '1' }], user: '1000', privileged: false,
      })],
    });
    const snapshot = structuredClone(input);
    const out = compute(input);
    assert.deepEqual(input, snapshot);
    const c = out.containerDefinitions![0]!;
    assert.deepEqual(c.ulimits, [{ name: 'nofile', softLimit: 1024, hardLimit: 4096 }]);
    assert.deepEqual(c.dockerLabels, { team: 'a' });
    assert.deepEqual(c.environment, [{ name: 'A', value: '1' }]);
    assert.equal(c.user, '1000');
    assert.equal(c.privileged, false);
    assert.deepEqual(out.volumes, input.volumes);
    assert.deepEqual(out.placementConstraints, input.placementConstraints);
    assert.equal(out.pidMode, 'task');
    assert.equal(out.enableFaultInjection, true);
    assert.notEqual(out.volumes, input.volumes);
    assert.notEqual(c.environment, input.containerDefinitions![0]!.environment);
  });

  it('normalises task sizes and keeps them as strings', () => {
    const out = compute(ec2({ cpu: '1 vCPU', memory: '2 GB' }));
    assert.equal(out.cpu, '1024');
    assert.equal(out.memory, '2048');
  });
});

describe('family', () => {
  rejects([
    ['empty family', ec2({ family: '' }), 'Family can not be blank.'],
    ['missing family', ec2({ family: undefined }), 'Family can not be blank.'],
    ['family with a space', ec2({ family: 'my app' }), 'Family contains invalid characters.'],
    ['family with a colon', ec2({ family: 'web:1' }), 'Family contains invalid characters.'],
    ['family of 256 characters', ec2({ family: 'a'.repeat(256) }), 'Family contains invalid characters.'],
  ]);
  it('accepts 255 letters, digits, hyphens and underscores', () => {
    const family = `Ab-_9${'x'.repeat(250)}`;
    assert.equal(validateFamily(family), family);
    assert.equal(compute(ec2({ family })).family, family);
  });
});

describe('task-level rules', () => {
  const eleven = Array.from({ length: 11 }, (_, i) => app({ name: `c${i}` }));
  rejects([
    ['no containers', ec2({ containerDefinitions: [] }), 'Container list cannot be empty.'],
    ['11 containers', ec2({ containerDefinitions: eleven }), 'Too many containers.'],
    ['unknown network mode', ec2({ networkMode: 'overlay' as never }), "Invalid network mode 'overlay'. Valid values are bridge, host, awsvpc and none.", 'InvalidParameterException'],
    ['unknown compatibility', ec2({ requiresCompatibilities: ['LAMBDA' as never] }), "Invalid compatibility 'LAMBDA'. Valid values are EC2, FARGATE, EXTERNAL and MANAGED_INSTANCES.", 'InvalidParameterException'],
    ['empty task cpu', ec2({ cpu: '' }), "Invalid 'cpu' setting for task."],
    ['unparsable task cpu', ec2({ cpu: 'lots' }), "Invalid 'cpu' setting for task."],
    ['task cpu 0', ec2({ cpu: '0' }), "Invalid 'cpu' setting for task."],
    ['task cpu below 128', ec2({ cpu: '64' }), "Invalid 'cpu' setting for task."],
    ['task cpu above 192 vCPU', ec2({ cpu: '193 vCPU' }), "Invalid 'cpu' setting for task."],
    ['fractional task cpu units', ec2({ cpu: '256.5' }), "Invalid 'cpu' setting for task."],
    ['empty task memory', ec2({ memory: '' }), "Invalid 'memory' setting for task."],
    ['task memory in TB', ec2({ memory: '2 TB' }), "Invalid 'memory' setting for task."],
    ['task memory 0', ec2({ memory: '0' }), "Invalid 'memory' setting for task."],
    ['container cpu over the task cpu', ec2({ cpu: '256', containerDefinitions: [app({ cpu: 200 }), app({ name: 'b', cpu: 100 })] }),
      "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'."],
    ['reservations over the task memory', ec2({ memory: '512', containerDefinitions: [app({ memory: undefined, memoryReservation: 300 }), app({ name: 'b', memory: undefined, memoryReservation: 300 })] }),
      "The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'."],
  ]);

  it('takes exactly 10 containers and container totals equal to the task size', () => {
    const ten = Array.from({ length: 10 }, (_, i) => app({ name: `c${i}`, cpu: 100, memory: undefined, memoryReservation: 100 }));
    assert.equal(compute(ec2({ cpu: '1000', memory: '1000', containerDefinitions: ten })).containerDefinitions?.length, 10);
  });

  it('rejects a definition over 64 KiB, counting the JSON without tags', () => {
    const big = (n: number) => ec2({ containerDefinitions: [app({ environment: [{ name: 'X', value: 'x'.repeat(n) }] })] });
    const base = JSON.stringify(big(0)).length;
    const fits = big(MAX_TASK_DEFINITION_BYTES - base);
    assert.doesNotThrow(() => compute({ ...fits, tags: [{ key: 'k', value: 'v'.repeat(200) }] }));
    assert.throws(() => compute(big(MAX_TASK_DEFINITION_BYTES - base + 1)), {
      code: 'ClientException', message: "Actual length: '65537'. Max allowed length is '65536' bytes.",
    });
  });
});

describe('Fargate', () => {
  rejects([
    ['bridge network mode', fargate({ networkMode: 'bridge' }), 'Fargate only supports network mode \u2018awsvpc\u2019.'],
    ['no network mode', fargate({ networkMode: undefined }), 'Fargate only supports network mode ‘awsvpc’.'],
    ['no task cpu', fargate({ cpu: undefined }), "Fargate requires that 'cpu' be defined at the task level."],
    ['no task memory', fargate({ memory: undefined, containerDefinitions: [app()] }), "Fargate requires that 'memory' be defined at the task level."],
    ['no task memory nor container memory', fargate({ memory: undefined }), "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified."],
    ['1024 CPU with 1024 MiB', fargate({ cpu: '1024', memory: '1024' }),
      'No Fargate configuration exists for given values: 1024 CPU, 1024 memory. See the Amazon ECS documentation for the valid values.'],
    ['sizes given as vCPU/GB are reported normalised', fargate({ cpu: '1 vCPU', memory: '1 GB' }),
      'No Fargate configuration exists for given values: 1024 CPU, 1024 memory. See the Amazon ECS documentation for the valid values.'],
    ['pidMode host', fargate({ pidMode: 'host' }), "Tasks using the Fargate launch type do not support pidMode 'host'. The supported value for pidMode is 'task'."],
    ['ipcMode host', fargate({ ipcMode: 'host' }), 'Tasks using the Fargate launch type do not support ipcMode.'],
    ['ipcMode task', fargate({ ipcMode: 'task' }), 'Tasks using the Fargate launch type do not support ipcMode.'],
    ['a host volume', fargate({ volumes: [{ name: 'v', host: { sourcePath: '/data' } }] }), 'Fargate compatible task definitions do not support sourcePath'],
    ['awslogs without an execution role', fargate({ containerDefinitions: [{ name: 'app', image: 'busybox', logConfiguration: { logDriver: 'awslogs', options: {} } }] }),
      'Fargate requires task definition to have execution role ARN to support log driver awslogs.'],
    ['an ECR image without an execution role', fargate({ containerDefinitions: [{ name: 'app', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1' }] }),
      'Fargate requires task definition to have execution role ARN to support ECR images.'],
    ['FARGATE alongside EC2 is still checked', fargate({ requiresCompatibilities: ['EC2', 'FARGATE'], cpu: '128' }),
      'No Fargate configuration exists for given values: 128 CPU, 512 memory. See the Amazon ECS documentation for the valid values.'],
  ]);

  it('accepts pidMode task, a task-scoped host volume, awslogs and ECR with an execution role', () => {
    const out = compute(fargate({
      pidMode: 'task', executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
      volumes: [{ name: 'scratch', host: {} }],
      containerDefinitions: [{ name: 'app', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1', logConfiguration: { logDriver: 'awslogs' } }],
    }));
    assert.deepEqual(out.compatibilities, ['EC2', 'FARGATE']);
  });
});

describe('compatibilities', () => {
  const cases: [string, RegisterTaskDefinitionRequest, string[]][] = [
    ['no network mode', ec2(), ['EXTERNAL', 'EC2']],
    ['bridge, host and none', ec2({ networkMode: 'host' }), ['EXTERNAL', 'EC2']],
    ['awsvpc without task sizes', ec2({ networkMode: 'awsvpc' }), ['EC2']],
    ['awsvpc with sizes Fargate lacks', ec2({ networkMode: 'awsvpc', cpu: '2048', memory: '3072' }), ['EC2']],
    ['awsvpc with a Fargate size, EC2 required', ec2({ networkMode: 'awsvpc', requiresCompatibilities: ['EC2'], cpu: '256', memory: '512' }), ['EC2', 'FARGATE']],
    ['Fargate size but ipcMode', ec2({ networkMode: 'awsvpc', cpu: '256', memory: '512', ipcMode: 'host' }), ['EC2']],
    ['MANAGED_INSTANCES required', fargate({ requiresCompatibilities: ['MANAGED_INSTANCES'] }), ['EC2', 'FARGATE', 'MANAGED_INSTANCES']],
  ];
  for (const [title, input, expected] of cases) {
    it(title, () => assert.deepEqual(compute(input).compatibilities, expected));
  }
  rejects([
    ['EXTERNAL required with awsvpc', ec2({ networkMode: 'awsvpc', requiresCompatibilities: ['EXTERNAL'] }),
      "Tasks using the External launch type do not support network mode 'awsvpc'."],
  ]);
});

describe('requiresAttributes', () => {
  const names = (input: RegisterTaskDefinitionRequest) => compute(input).requiresAttributes?.map((a) => a.name);
  const cases: [string, RegisterTaskDefinitionRequest, string[] | undefined][] = [
    ['none for a plain definition', ec2(), undefined],
    ['memoryReservation', ec2({ containerDefinitions: [app({ memoryReservation: 64 })] }), ['com.amazonaws.ecs.capability.docker-remote-api.1.21']],
    ['task role', ec2({ taskRoleArn: 'arn:aws:iam::1:role/t' }), ['com.amazonaws.ecs.capability.task-iam-role']],
    ['ECR image with an execution role', ec2({ executionRoleArn: 'arn:aws:iam::1:role/e', containerDefinitions: [app({ image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/x@sha256:ab' })] }),
      ['com.amazonaws.ecs.capability.ecr-auth', 'ecs.capability.execution-role-ecr-pull']],
    ['awslogs with an execution role', ec2({ executionRoleArn: 'arn:aws:iam::1:role/e', containerDefinitions: [app({ logConfiguration: { logDriver: 'awslogs' } })] }),
      ['com.amazonaws.ecs.capability.logging-driver.awslogs', 'com.amazonaws.ecs.capability.docker-remote-api.1.19', 'ecs.capability.execution-role-awslogs']],
    ['fluentd', ec2({ containerDefinitions: [app({ logConfiguration: { logDriver: 'fluentd' } })] }), ['com.amazonaws.ecs.capability.logging-driver.fluentd']],
    ['dependsOn', ec2({ containerDefinitions: [app({ dependsOn: [{ containerName: 'b', condition: 'START' }] }), app({ name: 'b' })] }), ['ecs.capability.container-ordering']],
    ['stopTimeout', ec2({ containerDefinitions: [app({ stopTimeout: 30 })] }), ['ecs.capability.container-ordering']],
    ['secrets', ec2({ containerDefinitions: [app({ secrets: [{ name: 'A', valueFrom: 'arn:aws:secretsmanager:us-east-1:1:secret:a' }, { name: 'B', valueFrom: '/param/b' }] })] }),
      ['ecs.capability.secrets.asm.environment-variables', 'ecs.capability.secrets.ssm.environment-variables']],
    ['EFS with IAM', ec2({ volumes: [{ name: 'e', efsVolumeConfiguration: { fileSystemId: 'fs-1', transitEncryption: 'ENABLED', authorizationConfig: { iam: 'ENABLED' } } }] }),
      ['ecs.capability.efs', 'ecs.capability.efsAuth']],
    ['pidMode', ec2({ pidMode: 'host' }), ['ecs.capability.pid-ipc-namespace-sharing']],
    ['awsvpc', ec2({ networkMode: 'awsvpc' }), ['com.amazonaws.ecs.capability.docker-remote-api.1.18', 'ecs.capability.task-eni']],
  ];
  for (const [title, input, expected] of cases) it(title, () => assert.deepEqual(names(input), expected));
});
