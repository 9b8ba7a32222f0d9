/**
 * The one conformance suite for `ContainerRuntime`: run on the fake (unit) and on real Docker
 * (integration), so the fake stays honest (hono `common.case.test.ts`). Specs use busybox commands
 * that do on a real engine what `controls.act` tells the fake to do.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { ContainerRuntime, ContainerSpec, ContainerState, RuntimeEvent } from './container-runtime.js';
import { buildPauseProgram } from './pause-program.js';
import { buildSingleFileTar } from './rootfs-tar.js';

/** What a container's own process does, which the fake must be told and a real engine just runs. */
export type ScriptedBehaviour =
  | { readonly kind: 'exits'; readonly code: number }
  | { readonly kind: 'oom' }
  | { readonly kind: 'health'; readonly status: 'healthy' | 'unhealthy' }
  | { readonly kind: 'sigterm'; readonly exitCode: number | 'ignore' };

export interface RuntimeConformanceControls<R extends ContainerRuntime> {
  /** A reason to skip the whole suite (no engine here), or false. */
  readonly skip: string | false;
  /** A local image whose sh, sleep and httpd behave as busybox's. */
  readonly image: string;
  /** A reference that a reachable registry answers "not found" for (read after `before`). */
  missingImage(): string;
  /** Unique to this run, on every container, so parallel runs and leftovers never mix. */
  readonly runLabels: Readonly<Record<string, string>>;
  /** Prefix for container and network names, unique to this run. */
  readonly namePrefix: string;
  /** Per-test timeout in ms. */
  readonly testTimeoutMs: number;
  before?(): Promise<void>;
  after?(): Promise<void>;
  act(runtime: R, id: string, behaviour: ScriptedBehaviour): void | Promise<void>;
  /** Retries `check` until it passes: a real engine takes time, the fake is already there. */
  waitFor<T>(check: () => Promise<T>): Promise<T>;
  /** Asserts that an HTTP server answers at hostIp:hostPort. */
  assertReachable(runtime: R, hostIp: string, hostPort: number): Promise<void>;
}

const SLEEP = ['sleep', '300'];

export function runtimeConformance<R extends ContainerRuntime>(
  name: string, makeRuntime: () => R | Promise<R>, controls: RuntimeConformanceControls<R>,
): void {
  describe(`ContainerRuntime conformance: ${name}`, { skip: controls.skip }, () => {
    let runtime: R;
    let caseNo = 0;
    let networks: string[] = [];
    const opts = { timeout: controls.testTimeoutMs };

    before(async () => controls.before?.());
    after(async () => controls.after?.());
    beforeEach(async () => {
      runtime = await makeRuntime();
      caseNo++;
      networks = [];
    });
    afterEach(async () => {
      for (const c of await runtime.listContainers(controls.runLabels)) await runtime.removeContainer(c.id, { force: true });
      for (const n of networks) await runtime.removeNetwork(n);
      await (runtime as { close?: () => Promise<void> }).close?.();
    });

    const caseLabels = () => ({ ...controls.runLabels, 'berth.test-case': String(caseNo) });
    const spec = (suffix: string, over: Partial<ContainerSpec> = {}): ContainerSpec => ({
      name: `${controls.namePrefix}-${caseNo}-${suffix}`, image: controls.image, command: SLEEP, labels: caseLabels(), ...over,
    });
    const run = async (s: ContainerSpec): Promise<string> => {
      const id = await runtime.createContainer(s);
      await runtime.startContainer(id);
      return id;
    };
    const inspect = async (id: string): Promise<ContainerState> => {
      const state = await runtime.inspectContainer(id);
      assert.ok(state, `container ${id} should exist`);
      return state;
    };
    const waitUntil = (id: string, what: string, holds: (s: ContainerState) => boolean) =>
      controls.waitFor(async () => {
        const state = await inspect(id);
        assert.ok(holds(state), `container ${state.name} should be ${what}; it is ${JSON.stringify(state)}`);
        return state;
      });
    const waitExited = (id: string) => waitUntil(id, 'exited', (s) => s.status === 'exited');

    it('reports the engine and host', opts, async () => {
      const info = await runtime.info();
      assert.ok(info.engineVersion, 'engine version');
      assert.match(info.apiVersion, /^\d+\.\d+$/);
      assert.equal(info.os, 'linux');
      assert.ok(info.architecture, 'architecture');
      assert.ok(info.cpus > 0 && info.memoryBytes > 0, `cpus ${info.cpus}, memory ${info.memoryBytes}`);
    });

    it('knows which images it has, and a pull of a missing one is ImageNotFoundError', opts, async () => {
      assert.equal(await runtime.hasImage(controls.image), true);
      const missing = controls.missingImage();
      assert.equal(await runtime.hasImage(missing), false);
      await assert.rejects(runtime.pullImage(missing), { code: 'BERTH_ERR_IMAGE_NOT_FOUND', retriable: false });
      await assert.rejects(runtime.createContainer(spec('no-image', { image: missing })), { code: 'BERTH_ERR_IMAGE_NOT_FOUND' });
    });

    it('creates, starts and inspects a running container with its labels', opts, async () => {
      const s = spec('run', { labels: { ...caseLabels(), 'com.amazonaws.ecs.container-name': 'web' }, env: { A: '1' } });
      const id = await runtime.createContainer(s);
      const created = await inspect(id);
      assert.equal(created.status, 'created');
      assert.equal(created.running, false);
      await runtime.startContainer(id);
      await runtime.startContainer(id); // a second start is a no-op
      const running = await inspect(id);
      assert.equal(running.id, id);
      assert.equal(running.name, s.name);
      assert.equal(running.image, controls.image);
      assert.equal(running.status, 'running');
      assert.equal(running.running, true);
      assert.equal(typeof running.startedAt, 'number');
      assert.equal(running.finishedAt, undefined);
      assert.equal(running.health, undefined);
      for (const [k, v] of Object.entries(s.labels ?? {})) assert.equal(running.labels[k], v, `label ${k}`);
      assert.equal((await inspect(s.name)).id, id, 'inspect by name');
    });

    it('reports exit codes 0 and 3', opts, async () => {
      const zero = await run(spec('exit0', { command: ['sh', '-c', 'exit 0'] }));
      const three = await run(spec('exit3', { command: ['sh', '-c', 'exit 3'] }));
      await controls.act(runtime, zero, { kind: 'exits', code: 0 });
      await controls.act(runtime, three, { kind: 'exits', code: 3 });
      const z = await waitExited(zero);
      const t = await waitExited(three);
      assert.deepEqual([z.exitCode, z.running, z.oomKilled], [0, false, false]);
      assert.deepEqual([t.exitCode, t.running, t.oomKilled], [3, false, false]);
      assert.ok(t.finishedAt !== undefined && t.startedAt !== undefined && t.finishedAt >= t.startedAt, 'finishedAt after startedAt');
    });

    it('stops with SIGTERM when the process honours it', opts, async () => {
      const id = await run(spec('term', {
        command: ['sh', '-c', "trap 'exit 0' TERM; touch /tmp/ready; sleep 300 & wait"],
        // Healthy once the trap is set, so the SIGTERM cannot arrive before it.
        healthcheck: { test: ['CMD-SHELL', 'test -f /tmp/ready'], intervalSeconds: 0.1, timeoutSeconds: 1, retries: 1 },
      }));
      await controls.act(runtime, id, { kind: 'sigterm', exitCode: 0 });
      await controls.act(runtime, id, { kind: 'health', status: 'healthy' });
      await waitUntil(id, 'healthy', (s) => s.health === 'healthy');
      await runtime.stopContainer(id, 30);
      const state = await inspect(id);
      assert.deepEqual([state.status, state.exitCode], ['exited', 0]);
      await runtime.stopContainer(id, 30); // stopping a stopped container is a no-op
    });

    it('stops with SIGKILL after the timeout when SIGTERM is ignored (137)', opts, async () => {
      const id = await run(spec('kill', { command: ['sh', '-c', "trap '' TERM; sleep 300"] }));
      await controls.act(runtime, id, { kind: 'sigterm', exitCode: 'ignore' });
      await runtime.stopContainer(id, 1);
      const state = await inspect(id);
      assert.deepEqual([state.status, state.exitCode, state.oomKilled], ['exited', 137, false]);
    });

    it('kills with a signal, and killing a stopped container is a no-op', opts, async () => {
      const id = await run(spec('sigkill'));
      await runtime.killContainer(id, 'SIGKILL');
      const state = await waitExited(id);
      assert.equal(state.exitCode, 137);
      await runtime.killContainer(id, 'SIGKILL');
    });

    it('lists containers by label, stopped ones included', opts, async () => {
      const a = await run(spec('list-a', { labels: { ...caseLabels(), 'berth.test-role': 'a' }, command: ['sh', '-c', 'exit 0'] }));
      const b = await run(spec('list-b', { labels: { ...caseLabels(), 'berth.test-role': 'b' } }));
      await controls.act(runtime, a, { kind: 'exits', code: 0 });
      await waitExited(a);
      const onlyA = await runtime.listContainers({ ...caseLabels(), 'berth.test-role': 'a' });
      assert.deepEqual(onlyA.map((c) => [c.id, c.status, c.labels['berth.test-role']]), [[a, 'exited', 'a']]);
      const both = await runtime.listContainers(caseLabels());
      assert.deepEqual(both.map((c) => c.id).sort(), [a, b].sort());
      assert.equal(both.find((c) => c.id === b)?.name, `${controls.namePrefix}-${caseNo}-list-b`);
    });

    it('binds a dynamic host port on 127.0.0.1 that answers', opts, async () => {
      const id = await run(spec('port', {
        command: ['httpd', '-f', '-p', '80', '-h', '/var/www'],
        portBindings: [{ containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 0 }],
      }));
      const state = await inspect(id);
      const port = state.ports.find((p) => p.containerPort === 80 && p.protocol === 'tcp');
      assert.ok(port, `port 80/tcp should be bound: ${JSON.stringify(state.ports)}`);
      assert.equal(port.hostIp, '127.0.0.1');
      assert.ok(port.hostPort > 0, `host port ${port.hostPort}`);
      await controls.waitFor(() => controls.assertReachable(runtime, port.hostIp, port.hostPort));
    });

    it('reports health: a failing check turns unhealthy, a passing one healthy', opts, async () => {
      const check = (cmd: string) => ({ test: ['CMD-SHELL', cmd], intervalSeconds: 1, timeoutSeconds: 1, retries: 1 });
      const bad = await run(spec('unhealthy', { healthcheck: check('exit 1') }));
      const good = await run(spec('healthy', { healthcheck: check('exit 0') }));
      assert.ok(['starting', 'unhealthy'].includes((await inspect(bad)).health ?? ''), 'starts as starting');
      await controls.act(runtime, bad, { kind: 'health', status: 'unhealthy' });
      await controls.act(runtime, good, { kind: 'health', status: 'healthy' });
      await waitUntil(bad, 'unhealthy', (s) => s.health === 'unhealthy');
      await waitUntil(good, 'healthy', (s) => s.health === 'healthy');
    });

    it('reports an OOM kill under a memory limit', opts, async () => {
      const mib = 1024 * 1024;
      const id = await run(spec('oom', { command: ['sh', '-c', 'x=a; while true; do x=$x$x; done'], memoryBytes: 8 * mib, maxSwapBytes: 0 }));
      await controls.act(runtime, id, { kind: 'oom' });
      const state = await waitExited(id);
      assert.deepEqual([state.oomKilled, state.exitCode], [true, 137]);
    });

    it('streams start, die and destroy events for labelled containers', opts, async () => {
      const abort = new AbortController();
      const events = runtime.events(caseLabels(), AbortSignal.any([abort.signal, AbortSignal.timeout(controls.testTimeoutMs)]));
      await events.ready;
      const iterator = events[Symbol.asyncIterator]();
      const next = async (id: string, action: RuntimeEvent['action']): Promise<RuntimeEvent[]> => {
        const seen: RuntimeEvent[] = [];
        for (;;) {
          const r = await iterator.next();
          assert.ok(!r.done, `the event stream ended before '${action}' of ${id}; saw ${JSON.stringify(seen)}`);
          if (r.value.containerId === id) seen.push(r.value);
          if (r.value.containerId === id && r.value.action === action) return seen;
        }
      };
      const id = await run(spec('events', { command: ['sh', '-c', 'exit 3'] }));
      await controls.act(runtime, id, { kind: 'exits', code: 3 });
      const seen = await next(id, 'die');
      assert.deepEqual(seen.map((e) => e.action), ['create', 'start', 'die']);
      assert.equal(seen.at(-1)?.exitCode, 3);
      assert.ok(seen.every((e) => e.time > 0), 'events carry a time');
      await runtime.removeContainer(id);
      await next(id, 'destroy');
      abort.abort();
      assert.equal((await iterator.next()).done, true, 'aborting ends the stream');
    });

    it('removes containers, idempotently, and refuses a running one without force', opts, async () => {
      const id = await run(spec('rm'));
      await assert.rejects(runtime.removeContainer(id), { code: 'BERTH_ERR_RUNTIME_CONFLICT' });
      await runtime.removeContainer(id, { force: true });
      assert.equal(await runtime.inspectContainer(id), undefined);
      await runtime.removeContainer(id);
      await assert.rejects(runtime.startContainer(id), { code: 'BERTH_ERR_CONTAINER_NOT_FOUND' });
      await assert.rejects(runtime.stopContainer(id, 1), { code: 'BERTH_ERR_CONTAINER_NOT_FOUND' });
    });

    it('refuses a second container of the same name', opts, async () => {
      const s = spec('dup');
      await runtime.createContainer(s);
      await assert.rejects(runtime.createContainer(s), { code: 'BERTH_ERR_RUNTIME_CONFLICT' });
    });

    it('creates a network, attaches a container with an address, and removes it', opts, async () => {
      const name = `${controls.namePrefix}-${caseNo}-net`;
      const early = await runtime.createContainer(spec('early', { networkMode: name }));
      await assert.rejects(runtime.startContainer(early), { code: 'BERTH_ERR_NETWORK_NOT_FOUND' }, 'starting on a network not yet made');
      networks.push(name);
      const net = await runtime.createNetwork(name, { ...controls.runLabels, 'berth.task': 't1' });
      assert.equal(net.name, name);
      assert.equal(net.labels['berth.task'], 't1');
      await assert.rejects(runtime.createNetwork(name, {}), { code: 'BERTH_ERR_RUNTIME_CONFLICT' });
      const id = await run(spec('on-net', { networkMode: name, networkAliases: ['web'] }));
      const ip = (await inspect(id)).networks[name];
      assert.match(ip ?? '', /^\d+\.\d+\.\d+\.\d+$/, `an IPv4 address on ${name}`);
      assert.equal((await runtime.inspectNetwork(name))?.containers[id], ip);
      await assert.rejects(runtime.removeNetwork(name), { code: 'BERTH_ERR_RUNTIME_CONFLICT' });
      await runtime.removeContainer(id, { force: true });
      await runtime.removeNetwork(name);
      assert.equal(await runtime.inspectNetwork(name), undefined);
      await runtime.removeNetwork(name);
    });

    it('imports a rootfs tarball as an image whose program runs (the pause image)', opts, async () => {
      const ref = 'berth-test/pause:conformance';
      const program = buildPauseProgram((await runtime.info()).architecture);
      await runtime.importImage(ref, buildSingleFileTar({ name: 'pause', data: program, mode: 0o755 }));
      assert.equal(await runtime.hasImage(ref), true);
      const id = await run(spec('pause', { image: ref, entrypoint: ['/pause'], command: [] }));
      assert.equal((await inspect(id)).running, true, 'the pause program blocks');
      await runtime.importImage(ref, buildSingleFileTar({ name: 'pause', data: program, mode: 0o755 })); // again: replaces the tag
      await runtime.removeContainer(id, { force: true });
    });

    it('runs containers in another container\'s network namespace: they share localhost', opts, async () => {
      const name = `${controls.namePrefix}-${caseNo}-sbx`;
      networks.push(name);
      await runtime.createNetwork(name, controls.runLabels);
      const owner = await run(spec('owner', { networkMode: name }));
      const ip = (await inspect(owner)).networks[name];
      assert.match(ip ?? '', /^\d+\.\d+\.\d+\.\d+$/);
      const joined = `container:${owner}`;
      const web = await run(spec('web', { networkMode: joined, command: ['httpd', '-f', '-p', '8080', '-h', '/var/www'] }));
      assert.deepEqual((await inspect(web)).networks, {}, 'no endpoint of its own');
      const probe = await run(spec('probe', {
        networkMode: joined,
        command: ['sh', '-c', 'for i in $(seq 100); do wget -q -O- http://127.0.0.1:8080/ >/dev/null && exit 0; sleep 0.1; done; exit 1'],
      }));
      await controls.act(runtime, probe, { kind: 'exits', code: 0 });
      assert.equal((await waitExited(probe)).exitCode, 0, 'the probe reached httpd on 127.0.0.1');
      const idle = await runtime.createContainer(spec('idle'));
      const orphan = await runtime.createContainer(spec('orphan', { networkMode: `container:${idle}` }));
      await assert.rejects(runtime.startContainer(orphan), { code: 'BERTH_ERR_CONTAINER_START' }, 'joining a container that is not running');
    });

    it('samples stats of a running container', opts, async () => {
      const id = await run(spec('stats', { memoryBytes: 64 * 1024 * 1024 }));
      const stats = await runtime.containerStats?.(id);
      assert.ok(stats, 'containerStats is implemented');
      assert.equal(stats.memoryLimitBytes, 64 * 1024 * 1024);
      assert.ok(stats.cpuTotalNanos >= 0 && stats.readAt > 0);
    });

    it('rejects with the abort reason when the signal is already aborted', opts, async () => {
      const reason = new Error('caller gave up');
      await assert.rejects(runtime.inspectContainer('x', { signal: AbortSignal.abort(reason) }), reason);
      await assert.rejects(runtime.listContainers({}, { signal: AbortSignal.abort(reason) }), reason);
    });
  });
}
