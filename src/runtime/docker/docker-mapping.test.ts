import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeImageRef, parseImageRef } from '../image-ref.js';
import { negotiateApiVersion, resolveDockerEndpoint } from './client.js';
import { toDockerCreateBody } from './container-spec-mapping.js';
import { toContainerState } from './engine-state-mapping.js';
import { toRuntimeEvent } from './events.js';
import { classifyPullFailure } from './image-pull.js';

describe('API version negotiation', () => {
  const cases: [engineMax: string, engineMin: string | undefined, chosen: string][] = [
    ['1.41', '1.12', '1.41'], // Debian bookworm's docker.io 20.10
    ['1.43', '1.12', '1.41'], // newer engine: ours
    ['1.40', '1.12', '1.40'], // older engine: theirs
    ['1.51', '1.44', '1.44'], // Docker 29 refuses anything below 1.44
    ['1.41', undefined, '1.41'],
  ];
  for (const [max, min, chosen] of cases) it(`engine ${max} (min ${min}) → ${chosen}`, () => assert.equal(negotiateApiVersion(max, min), chosen));
  it('refuses an engine older than 1.29', () => assert.throws(() => negotiateApiVersion('1.25', '1.12'), { code: 'BERTH_ERR_RUNTIME_UNSUPPORTED' }));
});

describe('DOCKER_HOST', () => {
  it('defaults to the local socket', () => assert.deepEqual(resolveDockerEndpoint(undefined), { origin: 'http://docker', socketPath: '/var/run/docker.sock' }));
  it('reads unix://', () => assert.equal(resolveDockerEndpoint('unix:///run/podman/podman.sock').socketPath, '/run/podman/podman.sock'));
  it('reads tcp://', () => assert.deepEqual(resolveDockerEndpoint('tcp://127.0.0.1:2375'), { origin: 'http://127.0.0.1:2375' }));
  it('refuses ssh://', () => assert.throws(() => resolveDockerEndpoint('ssh://host'), { code: 'BERTH_ERR_RUNTIME_UNSUPPORTED' }));
});

describe('image references', () => {
  const cases: [string, string, string][] = [
    ['busybox', 'busybox', 'latest'],
    ['busybox:1.36', 'busybox', '1.36'],
    ['127.0.0.1:5000/app', '127.0.0.1:5000/app', 'latest'],
    ['127.0.0.1:5000/app:v2', '127.0.0.1:5000/app', 'v2'],
    ['app@sha256:abc', 'app', 'sha256:abc'],
  ];
  for (const [ref, fromImage, tag] of cases) it(ref, () => assert.deepEqual(parseImageRef(ref), { fromImage, tag }));
  it('normalizes', () => assert.deepEqual(['a', 'a:1', 'a@sha256:f'].map(normalizeImageRef), ['a:latest', 'a:1', 'a@sha256:f']));
});

describe('pull failures', () => {
  const cases: [status: number, message: string, code: string, retriable: boolean][] = [
    [500, 'manifest unknown', 'BERTH_ERR_IMAGE_NOT_FOUND', false],
    [404, 'manifest for app:9 not found: manifest unknown: manifest unknown', 'BERTH_ERR_IMAGE_NOT_FOUND', false],
    [404, "pull access denied for nope, repository does not exist or may require 'docker login'", 'BERTH_ERR_IMAGE_NOT_FOUND', false],
    [500, 'unauthorized: authentication required', 'BERTH_ERR_IMAGE_PULL', false],
    [500, 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host', 'BERTH_ERR_IMAGE_PULL', true],
    [200, 'read tcp 127.0.0.1:1->127.0.0.1:2: connection reset by peer', 'BERTH_ERR_IMAGE_PULL', true],
  ];
  for (const [status, message, code, retriable] of cases) {
    it(`${status} ${message.slice(0, 40)}`, () => {
      const e = classifyPullFailure('app:9', status, message);
      assert.deepEqual([e.code, e.retriable], [code, retriable]);
    });
  }
});

describe('container spec → create body', () => {
  it('maps the ECS container-definition features', () => {
    const body = toDockerCreateBody({
      name: 'web', image: 'app:1', command: ['serve'], entrypoint: ['/init'], env: { A: '1' }, workingDir: '/srv', user: 'nobody',
      labels: { l: 'v' }, cpuShares: 256, memoryBytes: 128 << 20, memoryReservationBytes: 64 << 20, maxSwapBytes: 0, nanoCpus: 5e8,
      portBindings: [
        { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 0 },
        { containerPort: 53, protocol: 'udp', hostIp: '', hostPort: 5353 },
      ],
      networkMode: 'task-net', networkAliases: ['web'],
      healthcheck: { test: ['CMD-SHELL', 'true'], intervalSeconds: 30, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 0.5 },
      stopTimeoutSeconds: 10, ulimits: [{ name: 'nofile', soft: 1024, hard: 4096 }], init: true,
      mounts: [{ type: 'bind', source: '/data', target: '/d', readOnly: true }, { type: 'tmpfs', target: '/t', sizeBytes: 1024 }],
      readonlyRootfs: true, extraHosts: [{ hostname: 'db', ipAddress: '10.0.0.5' }], hostname: 'h', privileged: false,
      dnsServers: ['1.1.1.1'],
    });
    assert.deepEqual(JSON.parse(JSON.stringify(body)), {
      Image: 'app:1', Cmd: ['serve'], Entrypoint: ['/init'], Env: ['A=1'], WorkingDir: '/srv', User: 'nobody', Labels: { l: 'v' },
      Hostname: 'h', ExposedPorts: { '80/tcp': {}, '53/udp': {} },
      Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 30e9, Timeout: 5e9, Retries: 3, StartPeriod: 5e8 },
      StopTimeout: 10,
      HostConfig: {
        CpuShares: 256, Memory: 128 << 20, MemoryReservation: 64 << 20, MemorySwap: 128 << 20, NanoCpus: 5e8,
        PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }], '53/udp': [{ HostIp: '', HostPort: '5353' }] },
        NetworkMode: 'task-net', Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 4096 }], Init: true,
        Mounts: [{ Type: 'bind', Source: '/data', Target: '/d', ReadOnly: true }, { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1024 } }],
        ReadonlyRootfs: true, ExtraHosts: ['db:10.0.0.5'], Privileged: false, Dns: ['1.1.1.1'],
      },
      NetworkingConfig: { EndpointsConfig: { 'task-net': { Aliases: ['web'] } } },
    });
  });

  it('joins another container\'s namespace with container:<id>, with no endpoint (so no aliases) of its own', () => {
    const body = toDockerCreateBody({ name: 'x', image: 'i', networkMode: 'container:abc', networkAliases: ['a'] });
    assert.deepEqual([body.HostConfig.NetworkMode, body.NetworkingConfig], ['container:abc', undefined]);
  });

  it('sends no aliases on the default bridge, and the engine defaults for what is unset', () => {
    const body = toDockerCreateBody({ name: 'x', image: 'i', networkAliases: ['a'] });
    assert.deepEqual(JSON.parse(JSON.stringify(body)), { Image: 'i', HostConfig: { NetworkMode: 'bridge' } });
  });
});

describe('engine JSON → state and events', () => {
  it('reads an inspect, with a fast exit stamped before its start clamped to the start', () => {
    const state = toContainerState({
      Id: 'abc', Name: '/web', Config: { Image: 'app:1', Labels: null },
      State: { Status: 'exited', Running: false, ExitCode: 3, OOMKilled: false, StartedAt: '2026-11-27T16:48:19.168380847Z', FinishedAt: '2026-11-27T16:48:19.168058903Z' },
      NetworkSettings: { Ports: { '80/tcp': null }, Networks: { bridge: { IPAddress: '' } } },
    });
    assert.equal(state.name, 'web');
    assert.equal(state.finishedAt, state.startedAt);
    assert.deepEqual([state.ports, state.labels, state.networks], [[], {}, { bridge: '' }]);
  });

  it('reads a never-started container: Go zero times are undefined', () => {
    const state = toContainerState({ State: { Status: 'created', StartedAt: '0001-01-01T00:00:00Z', FinishedAt: '0001-01-01T00:00:00Z' } });
    assert.deepEqual([state.startedAt, state.finishedAt], [undefined, undefined]);
  });

  it('maps events', () => {
    const base = { Type: 'container', timeNano: 1_700_000_000_123_456_789 };
    assert.deepEqual(toRuntimeEvent({ ...base, Action: 'die', Actor: { ID: 'c1', Attributes: { exitCode: '3', name: 'web' } } }),
      { containerId: 'c1', action: 'die', time: 1_700_000_000_123, exitCode: 3 });
    assert.equal(toRuntimeEvent({ ...base, Action: 'health_status: unhealthy', Actor: { ID: 'c1' } })?.health, 'unhealthy');
    assert.equal(toRuntimeEvent({ ...base, Action: 'kill', Actor: { ID: 'c1', Attributes: { signal: '15' } } })?.signal, '15');
    assert.equal(toRuntimeEvent({ ...base, Action: 'exec_start: sh', Actor: { ID: 'c1' } }), undefined);
    assert.equal(toRuntimeEvent({ ...base, Type: 'network', Action: 'connect', Actor: { ID: 'n1' } }), undefined);
  });
});
