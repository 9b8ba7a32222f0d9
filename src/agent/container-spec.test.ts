import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ContainerDefinition, TaskDefinition } from '@aws-sdk/client-ecs';
import {
  computeContainerSpec, computeNetworkMode, type ContainerSpecInput,
} from './container-spec.js';
import { parseTaskCpu, parseTaskMemory } from '../domain/ecs/fargate.js';
import { applyContainerOverrides as computeEffectiveContainer } from '../domain/ecs/task.js';
import { parseEnvFile, readEnvironmentFiles } from './env-files.js';
import { findUnsupportedFeature } from './unsupported-features.js';

const MIB = 1024 * 1024;

function input(container: ContainerDefinition, over: Partial<ContainerSpecInput> = {}, task: Partial<TaskDefinition> = {}): ContainerSpecInput {
  const taskDefinition: TaskDefinition = { family: 'web', revision: 1, networkMode: 'bridge', containerDefinitions: [container], ...task };
  return {
    taskId: 'abc123', taskDefinition, container, hostPorts: [], hostIp: '127.0.0.1',
    networkMode: computeNetworkMode(taskDefinition, 'pause-id'), labels: { l: '1' }, stopTimeoutSeconds: 30, ...over,
  };
}

describe('computeContainerSpec', () => {
  it('maps the ECS container definition onto a runtime spec', () => {
    const spec = computeContainerSpec(input({
      name: 'app', image: 'busybox', command: ['sh', '-c', 'echo hi'], entryPoint: ['/init'], workingDirectory: '/srv', user: 'nobody',
      environment: [{ name: 'A', value: '1' }, { name: 'B', value: '' }], cpu: 256, memory: 128, memoryReservation: 64,
      dockerLabels: { team: 'x' }, ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 2048 }],
      linuxParameters: { initProcessEnabled: true, capabilities: { add: ['NET_ADMIN'], drop: ['MKNOD'] }, sharedMemorySize: 64, maxSwap: 0, tmpfs: [{ containerPath: '/scratch', size: 16 }] },
      readonlyRootFilesystem: true, extraHosts: [{ hostname: 'db', ipAddress: '10.0.0.5' }], hostname: 'app1', privileged: false,
      dnsServers: ['10.0.0.2'], dnsSearchDomains: ['corp'], systemControls: [{ namespace: 'net.core.somaxconn', value: '1024' }],
      healthCheck: { command: ['CMD-SHELL', 'true'], retries: 2 },
    }, { stopTimeoutSeconds: 12 }));
    assert.deepEqual(spec, {
      name: 'berth-abc123-app', image: 'busybox', labels: { l: '1' }, cpuShares: 256, networkMode: 'bridge', stopTimeoutSeconds: 12,
      command: ['sh', '-c', 'echo hi'], entrypoint: ['/init'], env: { A: '1', B: '' }, workingDir: '/srv', user: 'nobody',
      memoryBytes: 128 * MIB, memoryReservationBytes: 64 * MIB, maxSwapBytes: 0, portBindings: [],
      healthcheck: { test: ['CMD-SHELL', 'true'], intervalSeconds: 30, timeoutSeconds: 5, retries: 2 },
      ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }], init: true, mounts: [{ type: 'tmpfs', target: '/scratch', sizeBytes: 16 * MIB }],
      readonlyRootfs: true, extraHosts: [{ hostname: 'db', ipAddress: '10.0.0.5' }], hostname: 'app1', privileged: false,
      dnsServers: ['10.0.0.2'], dnsSearchDomains: ['corp'], capAdd: ['NET_ADMIN'], capDrop: ['MKNOD'], shmSizeBytes: 64 * MIB,
      sysctls: { 'net.core.somaxconn': '1024' },
    });
  });

  it('gives cpu 0, 1 or unset the least CPU weight, 2, as the ECS agent does', () => {
    for (const cpu of [undefined, 0, 1]) assert.equal(computeContainerSpec(input({ name: 'a', image: 'i', cpu })).cpuShares, 2, `cpu ${cpu}`);
    assert.equal(computeContainerSpec(input({ name: 'a', image: 'i', cpu: 2 })).cpuShares, 2);
    assert.equal(computeContainerSpec(input({ name: 'a', image: 'i', cpu: 512 })).cpuShares, 512);
  });

  it('applies task-level cpu and memory as limits, overrides first; container memory wins over task memory', () => {
    const task = { cpu: '512', memory: '1 GB' };
    const plain = computeContainerSpec(input({ name: 'a', image: 'i' }, {}, task));
    assert.deepEqual([plain.nanoCpus, plain.memoryBytes], [0.5e9, 1024 * MIB]);
    const own = computeContainerSpec(input({ name: 'a', image: 'i', memory: 100 }, { overrides: { cpu: '2 vCPU' } }, task));
    assert.deepEqual([own.nanoCpus, own.memoryBytes], [2e9, 100 * MIB]);
    assert.deepEqual([parseTaskCpu('1 vCPU'), parseTaskCpu('256'), parseTaskCpu(undefined)], [1024, 256, undefined]);
    assert.deepEqual([parseTaskMemory('0.5GB'), parseTaskMemory('512'), parseTaskMemory('')], [512, 512, undefined]);
  });

  it('applies containerOverrides: command replaced, environment merged, cpu and memory replaced', () => {
    const def: ContainerDefinition = { name: 'app', image: 'i', command: ['a'], environment: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], cpu: 10, memory: 20 };
    const eff = computeEffectiveContainer(def, { containerOverrides: [{ name: 'app', command: ['b'], environment: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }], memory: 30, memoryReservation: 5 }] });
    assert.deepEqual(eff.command, ['b']);
    assert.deepEqual(eff.environment, [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]);
    assert.deepEqual([eff.cpu, eff.memory, eff.memoryReservation], [10, 30, 5]);
    assert.equal(computeEffectiveContainer(def, { containerOverrides: [{ name: 'other', command: ['x'] }] }), def);
  });

  it('publishes bridge ports on the host IP with the assigned (else the static, else a dynamic) host port', () => {
    const c: ContainerDefinition = { name: 'app', image: 'i', portMappings: [{ containerPort: 80 }, { containerPort: 443, hostPort: 8443 }, { containerPort: 53, protocol: 'udp' }] };
    const spec = computeContainerSpec(input(c, { hostPorts: [{ containerName: 'app', containerPort: 80, hostPort: 40000, protocol: 'tcp' }] }));
    assert.deepEqual(spec.portBindings, [
      { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 40000 },
      { containerPort: 443, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 8443 },
      { containerPort: 53, protocol: 'udp', hostIp: '127.0.0.1', hostPort: 0 },
    ]);
  });

  it('maps network modes: host and none publish nothing; awsvpc joins the sandbox, leaving DNS, hosts and net sysctls to it', () => {
    const c: ContainerDefinition = { name: 'app', image: 'i', portMappings: [{ containerPort: 80 }] };
    for (const mode of ['host', 'none'] as const) {
      const spec = computeContainerSpec(input(c, {}, { networkMode: mode }));
      assert.deepEqual([spec.networkMode, spec.portBindings, spec.networkAliases], [mode, undefined, undefined]);
    }
    const vpc = computeContainerSpec(input({
      ...c, hostname: 'h', dnsServers: ['10.0.0.2'], extraHosts: [{ hostname: 'db', ipAddress: '10.0.0.9' }],
      systemControls: [{ namespace: 'net.core.somaxconn', value: '1024' }, { namespace: 'kernel.shmmax', value: '1' }],
    }, {}, { networkMode: 'awsvpc' }));
    assert.deepEqual([vpc.networkMode, vpc.portBindings, vpc.networkAliases, vpc.hostname, vpc.dnsServers, vpc.extraHosts, vpc.sysctls],
      ['container:pause-id', undefined, undefined, undefined, undefined, undefined, { 'kernel.shmmax': '1' }]);
    assert.throws(() => computeNetworkMode({ networkMode: 'awsvpc' }, undefined));
  });

  it('maps volumes: a host path binds; a Docker volume or an empty host is a task-named volume; shared keeps its name', () => {
    const c: ContainerDefinition = {
      name: 'app', image: 'i', mountPoints: [
        { sourceVolume: 'logs', containerPath: '/logs' }, { sourceVolume: 'data', containerPath: '/data', readOnly: true },
        { sourceVolume: 'scratch', containerPath: '/scratch' }, { sourceVolume: 'cache', containerPath: '/cache' },
      ],
    };
    const volumes = [
      { name: 'logs', host: { sourcePath: '/var/log/app' } }, { name: 'data', dockerVolumeConfiguration: { scope: 'task' as const } },
      { name: 'scratch', host: {} }, { name: 'cache', dockerVolumeConfiguration: { scope: 'shared' as const, autoprovision: true } },
    ];
    assert.deepEqual(computeContainerSpec(input(c, {}, { volumes })).mounts, [
      { type: 'bind', source: '/var/log/app', target: '/logs', readOnly: false },
      { type: 'volume', source: 'berth-abc123-data', target: '/data', readOnly: true },
      { type: 'volume', source: 'berth-abc123-scratch', target: '/scratch', readOnly: false },
      { type: 'volume', source: 'cache', target: '/cache', readOnly: false },
    ]);
  });

  it('puts env-file variables under the environment, which wins', () => {
    const spec = computeContainerSpec(input({ name: 'a', image: 'i', environment: [{ name: 'A', value: 'env' }] }, { fileEnvironment: { A: 'file', F: '1' } }));
    assert.deepEqual(spec.env, { A: 'env', F: '1' });
  });
});

describe('environment files', () => {
  it('parses VARIABLE=VALUE lines, skipping comments and blanks', () => {
    assert.deepEqual(parseEnvFile('# c\nA=1\n\nB=x=y\r\nbad\nA=2\n'), { A: '2', B: 'x=y' });
  });

  it('reads local files in order, and names a file it cannot read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-env-'));
    await writeFile(join(dir, 'a.env'), 'A=1\nB=1\n');
    await writeFile(join(dir, 'b.env'), 'B=2\n');
    const files = [{ value: join(dir, 'a.env'), type: 's3' as const }, { value: join(dir, 'b.env'), type: 's3' as const }];
    assert.deepEqual(await readEnvironmentFiles({ name: 'a', environmentFiles: files }), { A: '1', B: '2' });
    await assert.rejects(readEnvironmentFiles({ name: 'a', environmentFiles: [{ value: join(dir, 'none.env'), type: 's3' }] }), /cannot read environment file .*none\.env/);
  });
});

describe('findUnsupportedFeature', () => {
  it('names the first field Berth cannot serve', () => {
    const check = (c: Partial<ContainerDefinition>, task: Partial<TaskDefinition> = {}) =>
      findUnsupportedFeature(task, [{ name: 'app', image: 'i', ...c }]);
    assert.equal(check({}), undefined);
    assert.equal(check({ environmentFiles: [{ value: '/etc/app.env', type: 's3' }] }), undefined, 'a local env file is fine');
    assert.equal(check({ secrets: [{ name: 'A', valueFrom: 'x' }] }), 'ResourceInitializationError: Berth does not support secrets yet (container app)');
    assert.equal(check({ environmentFiles: [{ value: 'arn:aws:s3:::bucket/app.env', type: 's3' }] }), 'ResourceInitializationError: Berth does not support environmentFiles from S3 yet (container app)');
    assert.equal(check({ firelensConfiguration: { type: 'fluentbit' } }), 'ResourceInitializationError: Berth does not support firelensConfiguration yet (container app)');
    assert.equal(check({}, { volumes: [{ name: 'efs', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }] }), 'ResourceInitializationError: Berth does not support efsVolumeConfiguration yet (volume efs)');
  });
});
