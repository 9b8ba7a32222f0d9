import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type ContainerDefinition, DeleteTaskDefinitionsCommand, DeregisterTaskDefinitionCommand, DescribeTaskDefinitionCommand,
  ListTaskDefinitionFamiliesCommand, type ListTaskDefinitionFamiliesRequest, ListTaskDefinitionsCommand, type ListTaskDefinitionsRequest,
  type NetworkMode, paginateListTaskDefinitionFamilies, paginateListTaskDefinitions, RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionRequest,
} from '@aws-sdk/client-ecs';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';

describe('ECS task definitions through @aws-sdk/client-ecs', () => {
  let berth: BerthProcess;
  const tdArn = (family: string, revision: number, region = 'us-east-1') => `arn:aws:ecs:${region}:000000000000:task-definition/${family}:${revision}`;
  const box = (name = 'main'): ContainerDefinition => ({ name, image: 'busybox', memory: 64 });
  const register = (input: RegisterTaskDefinitionRequest, region?: string) => berth.ecs(region).send(new RegisterTaskDefinitionCommand(input));
  const registerMany = async (region: string, ...families: string[]) => { for (const family of families) await register({ family, containerDefinitions: [box()] }, region); };
  const describeTd = (taskDefinition: string) => berth.ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition }));
  const deregister = (taskDefinition: string, region?: string) => berth.ecs(region).send(new DeregisterTaskDefinitionCommand({ taskDefinition }));
  const unableToDescribe = { name: 'ClientException', message: 'Unable to describe task definition.' };

  before(async () => { berth = await startBerthProcess(); });
  after(async () => {
    await berth.stop();
    removeDataDir(berth.dataDir);
  });

  it('registers revisions 1, 2, 3 per family and fills in what ECS fills in', async () => {
    const started = Date.now();
    const first = await register({ family: 'sleep360', containerDefinitions: [{ name: 'sleep', image: 'busybox', cpu: 10, memory: 10, command: ['sleep', '360'], essential: true }] });
    const { registeredAt, ...rest } = first.taskDefinition!;
    assert.ok(registeredAt instanceof Date && registeredAt.getTime() >= started - 1000 && registeredAt.getTime() <= Date.now() + 1000);
    assert.deepEqual(rest, {
      taskDefinitionArn: tdArn('sleep360', 1),
      containerDefinitions: [{
        name: 'sleep', image: 'busybox', cpu: 10, memory: 10, portMappings: [], essential: true, command: ['sleep', '360'],
        environment: [], mountPoints: [], volumesFrom: [],
      }],
      family: 'sleep360',
      revision: 1,
      volumes: [],
      status: 'ACTIVE',
      placementConstraints: [],
      compatibilities: ['EXTERNAL', 'EC2'],
      registeredBy: 'arn:aws:iam::000000000000:root',
      enableFaultInjection: false,
    });
    assert.equal(first.tags, undefined);
    const revisions = [];
    for (let i = 0; i < 2; i++) revisions.push((await register({ family: 'sleep360', containerDefinitions: [box()] })).taskDefinition?.revision);
    assert.deepEqual(revisions, [2, 3]);
    assert.equal((await register({ family: 'other', containerDefinitions: [box()] })).taskDefinition?.taskDefinitionArn, tdArn('other', 1));
  });

  it('keeps the whole container definition and returns it, with ECS defaults, on describe', async () => {
    const app: ContainerDefinition = {
      name: 'app', image: 'registry.example/app:1.4', cpu: 256, memory: 512, memoryReservation: 256,
      portMappings: [{ containerPort: 8080, protocol: 'tcp', name: 'http', appProtocol: 'http' }],
      essential: true, entryPoint: ['/bin/sh', '-c'], command: ['exec app --port 8080'],
      environment: [{ name: 'MODE', value: 'prod' }, { name: 'EMPTY', value: '' }],
      environmentFiles: [{ value: 'arn:aws:s3:::bucket/app.env', type: 's3' }],
      mountPoints: [{ sourceVolume: 'scratch', containerPath: '/scratch', readOnly: false }],
      volumesFrom: [{ sourceContainer: 'sidecar', readOnly: true }],
      linuxParameters: { capabilities: { add: ['SYS_PTRACE'], drop: ['NET_RAW'] }, initProcessEnabled: true },
      secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:us-east-1:000000000000:parameter/db-password' }],
      dependsOn: [{ containerName: 'sidecar', condition: 'HEALTHY' }],
      startTimeout: 60, stopTimeout: 30, user: '1000:1000', workingDirectory: '/srv', readonlyRootFilesystem: true,
      dockerLabels: { 'com.example.team': 'core', tier: 'web' },
      ulimits: [{ name: 'nofile', softLimit: 4096, hardLimit: 8192 }],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/app', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'app' } },
      healthCheck: { command: ['CMD-SHELL', 'wget -q -O- http://localhost:8080/health || exit 1'], interval: 10, startPeriod: 5 },
      systemControls: [{ namespace: 'net.core.somaxconn', value: '1024' }],
    };
    const sidecar: ContainerDefinition = { name: 'sidecar', image: 'busybox', essential: false, memory: 128, healthCheck: { command: ['CMD', 'true'] } };
    const input: RegisterTaskDefinitionRequest = {
      family: 'web', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '0.5 vCPU', memory: '1 GB', pidMode: 'task',
      taskRoleArn: 'arn:aws:iam::000000000000:role/app', executionRoleArn: 'arn:aws:iam::000000000000:role/exec',
      containerDefinitions: [app, sidecar], volumes: [{ name: 'scratch' }],
      ephemeralStorage: { sizeInGiB: 30 }, runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' },
      tags: [{ key: 'team', value: 'core' }],
    };
    const registered = await register(input);
    assert.deepEqual(registered.tags, [{ key: 'team', value: 'core' }]);
    const { taskDefinition } = await describeTd('web:1');
    assert.deepEqual(taskDefinition, registered.taskDefinition);
    const { requiresAttributes, registeredAt, ...rest } = taskDefinition!;
    assert.ok(registeredAt instanceof Date);
    assert.deepEqual(rest, {
      taskDefinitionArn: tdArn('web', 1),
      containerDefinitions: [
        { ...app, portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp', name: 'http', appProtocol: 'http' }], healthCheck: { ...app.healthCheck, timeout: 5, retries: 3 } },
        { ...sidecar, cpu: 0, portMappings: [], environment: [], mountPoints: [], volumesFrom: [], healthCheck: { command: ['CMD', 'true'], interval: 30, timeout: 5, retries: 3 } },
      ],
      family: 'web', taskRoleArn: input.taskRoleArn, executionRoleArn: input.executionRoleArn, networkMode: 'awsvpc', revision: 1,
      volumes: [{ name: 'scratch' }], status: 'ACTIVE', placementConstraints: [], compatibilities: ['EC2', 'FARGATE'],
      runtimePlatform: input.runtimePlatform, requiresCompatibilities: ['FARGATE'], cpu: '512', memory: '1024', pidMode: 'task',
      registeredBy: 'arn:aws:iam::000000000000:root', ephemeralStorage: { sizeInGiB: 30 }, enableFaultInjection: false,
    });
    const names = new Set(requiresAttributes?.map((a) => a.name));
    for (const name of [
      'com.amazonaws.ecs.capability.logging-driver.awslogs', 'com.amazonaws.ecs.capability.docker-remote-api.1.19',
      'ecs.capability.execution-role-awslogs', 'ecs.capability.container-health-check', 'ecs.capability.container-ordering',
      'ecs.capability.secrets.ssm.environment-variables', 'com.amazonaws.ecs.capability.task-iam-role',
      'com.amazonaws.ecs.capability.docker-remote-api.1.18', 'ecs.capability.task-eni',
    ]) assert.ok(names.has(name), `requiresAttributes lacks ${name}`);
  });

  it('rejects bad definitions with the error type and text ECS uses', async () => {
    const fargate = { family: 'f', networkMode: 'awsvpc' as NetworkMode, requiresCompatibilities: ['FARGATE' as const], containerDefinitions: [box()] };
    const cases: [RegisterTaskDefinitionRequest, string, string | RegExp][] = [
      [{ family: 'bad family!', containerDefinitions: [box()] }, 'ClientException', 'Family contains invalid characters.'],
      [{ family: '', containerDefinitions: [box()] }, 'ClientException', 'Family can not be blank.'],
      [{ family: 'f', containerDefinitions: [{ name: 'app', memory: 64 }] }, 'ClientException', 'Container.image should not be null or empty.'],
      [{ family: 'f', containerDefinitions: [{ name: 'bad name', image: 'busybox', memory: 64 }] }, 'ClientException', 'Container.name contains invalid characters.'],
      [{ family: 'f', containerDefinitions: [{ name: 'app', image: 'busybox' }] }, 'ClientException',
        "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified."],
      [{ family: 'f', containerDefinitions: [{ name: 'app', image: 'busybox', memory: 0 }] }, 'ClientException', "Invalid 'memory' setting for container 'app'."],
      [{ family: 'f', memory: '256', containerDefinitions: [{ ...box('app'), memory: 512 }] }, 'ClientException', "The 'memory' setting for container 'app' is greater than for the task."],
      [{ family: 'f', cpu: 'lots', containerDefinitions: [box()] }, 'ClientException', "Invalid 'cpu' setting for task."],
      [{ ...fargate, cpu: '256', memory: '4096' }, 'ClientException',
        'No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for the valid values.'],
      [{ ...fargate, cpu: '1 vCPU', memory: '1GB' }, 'ClientException',
        'No Fargate configuration exists for given values: 1024 CPU, 1024 memory. See the Amazon ECS documentation for the valid values.'],
      [{ ...fargate, memory: '512' }, 'ClientException', "Fargate requires that 'cpu' be defined at the task level."],
      [{ ...fargate, cpu: '256' }, 'ClientException', "Fargate requires that 'memory' be defined at the task level."],
      [{ ...fargate, networkMode: 'bridge', cpu: '256', memory: '512' }, 'ClientException', 'Fargate only supports network mode \u2018awsvpc\u2019.'],
      [{ ...fargate, networkMode: undefined, cpu: '256', memory: '512' }, 'ClientException', 'Fargate only supports network mode \u2018awsvpc\u2019.'],
      [{ family: 'f', networkMode: 'overlay' as NetworkMode, containerDefinitions: [box()] }, 'InvalidParameterException', /overlay/],
      [{ family: 'f', containerDefinitions: [{ ...box('a'), dependsOn: [{ containerName: 'ghost', condition: 'START' }] }] }, 'ClientException',
        "Cannot depend on container + 'ghost' because it does not exist"],
    ];
    for (const [input, name, message] of cases) {
      await assert.rejects(register(input), { name, message }, `${JSON.stringify(input).slice(0, 120)}`);
    }
    const { taskDefinitionArns } = await berth.ecs().send(new ListTaskDefinitionsCommand({ familyPrefix: 'f' }));
    assert.deepEqual(taskDefinitionArns, [], 'a rejected definition takes no revision');
  });

  it('uses up no revision on a refused definition', async () => {
    assert.equal((await register({ family: 'refused', containerDefinitions: [box()] })).taskDefinition?.revision, 1);
    await assert.rejects(register({ family: 'refused', containerDefinitions: [{ name: 'x', image: 'busybox' }] }), { name: 'ClientException' });
    assert.equal((await register({ family: 'refused', containerDefinitions: [box()] })).taskDefinition?.revision, 2);
  });

  it('enforces the 64 KiB definition size with AWS\'s text', async () => {
    const withEnv = (bytes: number): RegisterTaskDefinitionRequest => ({ family: 'big', containerDefinitions: [{ ...box(), environment: [{ name: 'BLOB', value: 'x'.repeat(bytes) }] }] });
    await assert.rejects(register(withEnv(70_000)), { name: 'ClientException', message: /^Actual length: '\d+'\. Max allowed length is '65536' bytes\.$/ });
    const ok = await register(withEnv(60_000));
    assert.equal(ok.taskDefinition?.revision, 1);
    assert.equal(ok.taskDefinition?.containerDefinitions?.[0]?.environment?.[0]?.value?.length, 60_000);
  });

  it('describes by family (latest ACTIVE), family:revision and ARN, with tags on request', async () => {
    await register({ family: 'desc', containerDefinitions: [box()], tags: [{ key: 'v', value: '1' }] });
    await register({ family: 'desc', containerDefinitions: [box()] });
    assert.equal((await describeTd('desc')).taskDefinition?.revision, 2);
    assert.equal((await describeTd('desc:1')).taskDefinition?.revision, 1);
    assert.equal((await describeTd(tdArn('desc', 1))).taskDefinition?.taskDefinitionArn, tdArn('desc', 1));
    assert.equal((await describeTd('desc:1')).tags, undefined);
    const tagged = await berth.ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: 'desc:1', include: ['TAGS'] }));
    assert.deepEqual(tagged.tags, [{ key: 'v', value: '1' }]);
    const untagged = await berth.ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: 'desc', include: ['TAGS'] }));
    assert.deepEqual(untagged.tags, []);
    for (const ref of ['nope', 'desc:3', 'desc:0', tdArn('desc', 1, 'eu-west-1'), 'desc:one', 'arn:aws:ecs:us-east-1:000000000000:cluster/desc']) {
      await assert.rejects(describeTd(ref), unableToDescribe, ref);
    }
  });

  it('lists revisions by exact family and status, sorted ASC or DESC, page by page', async () => {
    const region = 'eu-west-2';
    await registerMany(region, 'api', 'api', 'api', 'api-worker', 'web');
    const list = (input: ListTaskDefinitionsRequest) => berth.ecs(region).send(new ListTaskDefinitionsCommand(input));
    const all = [tdArn('api', 1, region), tdArn('api', 2, region), tdArn('api', 3, region), tdArn('api-worker', 1, region), tdArn('web', 1, region)];
    assert.deepEqual((await list({})).taskDefinitionArns, all);
    assert.deepEqual((await list({ sort: 'DESC' })).taskDefinitionArns, [...all].reverse());
    assert.deepEqual((await list({ familyPrefix: 'api' })).taskDefinitionArns, all.slice(0, 3));
    const pages: string[][] = [];
    for await (const page of paginateListTaskDefinitions({ client: berth.ecs(region), pageSize: 2 }, { sort: 'DESC' })) pages.push(page.taskDefinitionArns ?? []);
    assert.deepEqual(pages, [[all[4], all[3]], [all[2], all[1]], [all[0]]]);
    const first = await list({ maxResults: 2 });
    assert.ok(first.nextToken);
    assert.deepEqual((await list({ maxResults: 2, nextToken: first.nextToken })).taskDefinitionArns, all.slice(2, 4));

    await deregister('api:2', region);
    assert.deepEqual((await list({ status: 'INACTIVE' })).taskDefinitionArns, [tdArn('api', 2, region)]);
    assert.deepEqual((await list({ familyPrefix: 'api' })).taskDefinitionArns, [all[0], all[2]]);
    await berth.ecs(region).send(new DeleteTaskDefinitionsCommand({ taskDefinitions: ['api:2'] }));
    assert.deepEqual((await list({ status: 'DELETE_IN_PROGRESS' })).taskDefinitionArns, [tdArn('api', 2, region)]);
    assert.deepEqual((await list({ status: 'INACTIVE' })).taskDefinitionArns, []);

    for (const bad of [{ maxResults: 0 }, { maxResults: 101 }, { nextToken: 'garbage!' }, { status: 'GONE' as 'ACTIVE' }]) {
      await assert.rejects(list(bad), { name: 'InvalidParameterException' }, JSON.stringify(bad));
    }
    assert.deepEqual((await berth.ecs().send(new ListTaskDefinitionsCommand({ familyPrefix: 'api-worker' }))).taskDefinitionArns, [], 'regional');
  });

  it('lists families by real prefix and ACTIVE / INACTIVE / ALL status, page by page', async () => {
    const region = 'ap-south-1';
    await registerMany(region, 'alpha', 'alpha-two', 'beta', 'beta', 'gamma');
    await deregister('beta:1', region);
    await deregister('beta:2', region);
    const families = async (input: ListTaskDefinitionFamiliesRequest) =>
      (await berth.ecs(region).send(new ListTaskDefinitionFamiliesCommand(input))).families;
    assert.deepEqual(await families({}), ['alpha', 'alpha-two', 'beta', 'gamma']);
    assert.deepEqual(await families({ status: 'ALL' }), ['alpha', 'alpha-two', 'beta', 'gamma']);
    assert.deepEqual(await families({ status: 'ACTIVE' }), ['alpha', 'alpha-two', 'gamma']);
    assert.deepEqual(await families({ status: 'INACTIVE' }), ['beta']);
    assert.deepEqual(await families({ familyPrefix: 'alp' }), ['alpha', 'alpha-two']);
    assert.deepEqual(await families({ familyPrefix: 'alpha-' }), ['alpha-two']);
    assert.deepEqual(await families({ familyPrefix: 'zzz' }), []);
    const pages: string[][] = [];
    for await (const page of paginateListTaskDefinitionFamilies({ client: berth.ecs(region), pageSize: 3 }, {})) pages.push(page.families ?? []);
    assert.deepEqual(pages, [['alpha', 'alpha-two', 'beta'], ['gamma']]);
    await assert.rejects(families({ status: 'GONE' as 'ALL' }), { name: 'InvalidParameterException' });
    await assert.rejects(families({ maxResults: 101 }), { name: 'InvalidParameterException' });
  });

  it('deregisters a revision: INACTIVE with deregisteredAt, describable by revision, skipped by family', async () => {
    await registerMany('us-east-1', 'dereg', 'dereg');
    const before = Date.now();
    const { taskDefinition } = await deregister('dereg:2');
    assert.equal(taskDefinition?.status, 'INACTIVE');
    assert.ok(taskDefinition?.deregisteredAt instanceof Date && taskDefinition.deregisteredAt.getTime() >= before - 1000);
    const described = (await describeTd('dereg:2')).taskDefinition;
    assert.equal(described?.status, 'INACTIVE');
    assert.equal(described?.deregisteredAt?.getTime(), taskDefinition?.deregisteredAt?.getTime());
    assert.equal((await describeTd('dereg')).taskDefinition?.revision, 1);
    assert.equal((await deregister(tdArn('dereg', 2))).taskDefinition?.status, 'INACTIVE', 'deregistering again is harmless');
    await deregister('dereg:1');
    await assert.rejects(describeTd('dereg'), unableToDescribe);
    await assert.rejects(deregister('dereg'), { name: 'ClientException', message: 'Revision is missing.' });
    await assert.rejects(deregister('dereg:9'), unableToDescribe);
    assert.equal((await register({ family: 'dereg', containerDefinitions: [box()] })).taskDefinition?.revision, 3);
  });

  it('deletes INACTIVE revisions, reports the rest as failures, and never reuses a revision', async () => {
    await registerMany('us-east-1', 'del', 'del', 'del');
    await deregister('del:1');
    await deregister('del:3');
    const started = Date.now();
    const out = await berth.ecs().send(new DeleteTaskDefinitionsCommand({ taskDefinitions: ['del:1', tdArn('del', 3), 'del:2', 'del:99', 'del'] }));
    assert.deepEqual(out.taskDefinitions?.map((t) => [t.taskDefinitionArn, t.status]), [[tdArn('del', 1), 'DELETE_IN_PROGRESS'], [tdArn('del', 3), 'DELETE_IN_PROGRESS']]);
    assert.ok((out.taskDefinitions?.[0]?.deleteRequestedAt?.getTime() ?? 0) >= started - 1000);
    assert.deepEqual(out.failures, [
      { arn: 'del:2', reason: 'The specified task definition is still in ACTIVE status. Please deregister the target and try again.' },
      { arn: 'del:99', reason: 'The specified task definition does not exist. Specify a valid account, family, revision and try again.' },
      { arn: 'del', reason: 'The specified task definition identifier is invalid. Specify a valid name or ARN and try again.' },
    ]);
    assert.equal((await describeTd('del')).taskDefinition?.revision, 2);
    assert.equal((await register({ family: 'del', containerDefinitions: [box()] })).taskDefinition?.revision, 4);
    const eleven = Array.from({ length: 11 }, (_, i) => `del:${i + 1}`);
    await assert.rejects(berth.ecs().send(new DeleteTaskDefinitionsCommand({ taskDefinitions: eleven })),
      { name: 'InvalidParameterException', message: 'Size of TaskDefinition references list cannot exceed 10' });
    await assert.rejects(berth.ecs().send(new DeleteTaskDefinitionsCommand({ taskDefinitions: [] })),
      { name: 'InvalidParameterException', message: 'size of TaskDefinition references list must be greater than 0' });
  });
});
