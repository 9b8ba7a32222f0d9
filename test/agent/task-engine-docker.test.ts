/**
 * The task engine on a real Docker engine (integration). Skipped when no engine answers or the
 * test image is missing (`scripts/docker-setup.sh`, `scripts/test-image.sh`); BERTH_REQUIRE_DOCKER=1
 * turns the skip into a failure. Every container and network carries this run's label and is
 * removed after each test.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { assignment, container, ReportLog, revise } from '../../src/agent/agent-fixtures.js';
import { taskNetworkName } from '../../src/agent/labels.js';
import type { TaskAssignment, TaskReport } from '../../src/domain/ecs/task-contract.js';
import { TaskEngine } from '../../src/agent/task-engine.js';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
import { dockerSkipReason, httpGet } from '../support/docker.js';
import { eventually } from '../support/eventually.js';
import { startEmptyRegistry } from '../runtime/stub-registry.js';

const run = `${process.pid}${randomBytes(3).toString('hex')}`;
const RUN_LABELS = { 'berth.test-run': run };


const skip = await dockerSkipReason();


/** A shell that exits 0 on SIGTERM (busybox sh as PID 1 would otherwise ignore it). */
const TERM_OK = ['sh', '-c', "trap 'exit 0' TERM; sleep 300 & wait"];

describe('TaskEngine on Docker', { skip, timeout: 120_000 }, () => {
  let runtime: DockerRuntime;
  let reports: ReportLog;
  let engines: TaskEngine[] = [];
  let networks: string[] = [];
  let registry: Awaited<ReturnType<typeof startEmptyRegistry>>;

  const newEngine = () => {
    const engine = new TaskEngine({ runtime, cluster: 'berth-test', labels: RUN_LABELS, onReport: reports.onReport, retryDelayMs: 200 });
    engines.push(engine);
    return engine;
  };
  const task = (options: Parameters<typeof assignment>[0] = {}): TaskAssignment => assignment({ idPrefix: `t${run}x`, ...options });
  const waitFor = (a: TaskAssignment, what: string, holds: (r: TaskReport) => boolean, timeoutMs = 30_000) =>
    eventually(() => {
      const r = reports.latest(a.taskArn);
      assert.ok(holds(r), `task ${a.taskArn} should be ${what}; it is ${JSON.stringify(r)}`);
      return r;
    }, { timeoutMs, intervalMs: 100 });
  const isStopped = (r: TaskReport) => r.lastStatus === 'STOPPED';
  const isRunning = (r: TaskReport) => r.lastStatus === 'RUNNING';

  before(async () => {
    runtime = new DockerRuntime();
    registry = await startEmptyRegistry();
  });
  after(async () => {
    await registry.close();
    await runtime.close();
  });
  afterEach(async () => {
    for (const e of engines) await e.close();
    engines = [];
    for (const c of await runtime.listContainers(RUN_LABELS)) await runtime.removeContainer(c.id, { force: true });
    for (const n of networks) await runtime.removeNetwork(n);
    networks = [];
  });

  it('runs a task that exits 0: PENDING, RUNNING, STOPPED with exit code 0', async () => {
    reports = new ReportLog();
    const engine = newEngine();
    await engine.restore();
    const a = task({ containers: [container({ name: 'app', command: ['sh', '-c', 'sleep 1; exit 0'] })] });
    engine.apply([a]);
    const r = await waitFor(a, 'STOPPED', isStopped);
    assert.deepEqual([r.stopCode, r.stoppedReason], ['EssentialContainerExited', 'Essential container in task exited']);
    assert.deepEqual(r.containers.map((c) => [c.lastStatus, c.exitCode]), [['STOPPED', 0]]);
    assert.deepEqual(reports.statuses(a.taskArn), ['PENDING', 'RUNNING', 'STOPPED']);
    const [listed] = await runtime.listContainers({ ...RUN_LABELS, 'com.amazonaws.ecs.task-arn': a.taskArn });
    assert.equal(listed?.labels['com.amazonaws.ecs.container-name'], 'app');
    assert.equal(listed?.labels['com.amazonaws.ecs.task-definition-family'], 'web');
    assert.equal(listed?.labels['com.amazonaws.ecs.task-definition-version'], '3');
  });

  it('stops the other containers when an essential one exits', async () => {
    reports = new ReportLog();
    const engine = newEngine();
    const a = task({ containers: [
      container({ name: 'app', command: ['sh', '-c', 'sleep 1; exit 3'] }),
      container({ name: 'side', essential: false, command: TERM_OK }),
    ] });
    engine.apply([a]);
    const r = await waitFor(a, 'STOPPED', isStopped);
    assert.equal(r.stopCode, 'EssentialContainerExited');
    assert.deepEqual(r.containers.map((c) => [c.name, c.lastStatus, c.exitCode]), [['app', 'STOPPED', 3], ['side', 'STOPPED', 0]]);
  });

  it('starts containers in dependsOn order: SUCCESS and HEALTHY', async () => {
    reports = new ReportLog();
    const engine = newEngine();
    const a = task({ containers: [
      container({ name: 'app', command: TERM_OK, dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }, { containerName: 'db', condition: 'HEALTHY' }] }),
      container({ name: 'init', essential: false, command: ['sh', '-c', 'sleep 1; exit 0'] }),
      container({ name: 'db', command: TERM_OK, healthCheck: { command: ['CMD-SHELL', 'true'], interval: 1, timeout: 1, retries: 1 } }),
    ] });
    engine.apply([a]);
    const r = await waitFor(a, 'RUNNING and HEALTHY', (x) => isRunning(x) && x.healthStatus === 'HEALTHY');
    const state = async (name: string) => {
      const id = r.containers.find((c) => c.name === name)?.runtimeId;
      const s = id === undefined ? undefined : await runtime.inspectContainer(id);
      assert.ok(s, `container ${name} exists`);
      return s;
    };
    const [app, init, db] = [await state('app'), await state('init'), await state('db')];
    assert.equal(init.exitCode, 0);
    assert.ok((app.startedAt ?? 0) >= (init.finishedAt ?? Infinity), `app started ${app.startedAt} after init finished ${init.finishedAt}`);
    assert.ok((app.startedAt ?? 0) > (db.startedAt ?? Infinity), 'app started after db');
    assert.equal(db.health, 'healthy');
  });

  it('reports a failing health check as UNHEALTHY', async () => {
    reports = new ReportLog();
    const engine = newEngine();
    const a = task({ containers: [container({ name: 'app', command: TERM_OK, healthCheck: { command: ['CMD-SHELL', 'exit 1'], interval: 1, timeout: 1, retries: 1 } })] });
    engine.apply([a]);
    const r = await waitFor(a, 'UNHEALTHY', (x) => x.healthStatus === 'UNHEALTHY');
    assert.deepEqual([r.lastStatus, r.containers[0]?.healthStatus], ['RUNNING', 'UNHEALTHY']);
  });

  it('fails to start with CannotPullContainerError when the image is nowhere', async () => {
    reports = new ReportLog();
    const engine = newEngine();
    const a = task({ containers: [container({ name: 'app' }, `${registry.host}/berth-test/missing:latest`)] });
    engine.apply([a]);
    const r = await waitFor(a, 'STOPPED', isStopped);
    assert.equal(r.stopCode, 'TaskFailedToStart');
    assert.match(r.stoppedReason ?? '', /^CannotPullContainerError: /);
    assert.equal(r.containers[0]?.reason, r.stoppedReason);
  });

  it('reports an OOM kill under the memory limit as OutOfMemoryError (137)', async () => {
    reports = new ReportLog();
    const engine = newEngine();
    const a = task({ containers: [container({
      name: 'app', memory: 8, linuxParameters: { maxSwap: 0 }, command: ['sh', '-c', 'x=a; while true; do x=$x$x; done'],
    })] });
    engine.apply([a]);
    const r = await waitFor(a, 'STOPPED', isStopped);
    assert.deepEqual([r.containers[0]?.exitCode, r.containers[0]?.reason], [137, 'OutOfMemoryError: Container killed due to memory usage']);
  });

  it('stops on StopTask: a container ignoring SIGTERM is killed after its stopTimeout', async () => {
    reports = new ReportLog();
    const engine = newEngine();
    const a = task({ containers: [container({ name: 'app', stopTimeout: 2, command: ['sh', '-c', "trap '' TERM; sleep 300"] })] });
    engine.apply([a]);
    await waitFor(a, 'RUNNING', isRunning);
    const asked = Date.now();
    engine.apply([revise(a, { desiredStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' })]);
    const r = await waitFor(a, 'STOPPED', isStopped);
    const took = Date.now() - asked;
    assert.ok(took >= 1_900 && took < 15_000, `stopping took ${took} ms; stopTimeout is 2 s`);
    assert.deepEqual([r.containers[0]?.exitCode, r.stoppedReason], [137, 'Task stopped by user']);
  });

  it('publishes a dynamic host port on 127.0.0.1 that answers', async () => {
    reports = new ReportLog();
    const engine = newEngine();
    const a = task({ containers: [container({ name: 'web', command: ['httpd', '-f', '-p', '80', '-h', '/var/www'], portMappings: [{ containerPort: 80 }] })] });
    engine.apply([a]);
    const r = await waitFor(a, 'RUNNING', isRunning);
    const binding = r.containers[0]?.networkBindings[0];
    assert.ok(binding && binding.hostPort > 0, `a bound port: ${JSON.stringify(r.containers[0]?.networkBindings)}`);
    assert.equal(binding.bindIP, '127.0.0.1');
    await eventually(async () => assert.match(await httpGet('127.0.0.1', binding.hostPort), /^HTTP\/1\.[01] 200/), { timeoutMs: 10_000 });
  });

  it('runs an awsvpc task on a network of its own and removes it after the task stops', async () => {
    reports = new ReportLog();
    const engine = newEngine();
    const a = task({ taskDefinition: { networkMode: 'awsvpc' }, containers: [container({ name: 'app', command: TERM_OK })] });
    networks.push(taskNetworkName(a.taskArn.split('/').at(-1)!));
    engine.apply([a]);
    const r = await waitFor(a, 'RUNNING', isRunning);
    const ip = r.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')?.value;
    const net = await runtime.inspectNetwork(networks[0]!);
    assert.ok(ip && net, `an IP (${ip}) on the task network`);
    assert.equal(Object.values(net.containers)[0], ip);
    engine.apply([revise(a, { desiredStatus: 'STOPPED' })]);
    await waitFor(a, 'STOPPED', isStopped);
    assert.equal(await runtime.inspectNetwork(networks[0]!), undefined);
  });

  it('re-adopts a running task after an agent restart: same containers, no duplicates', async () => {
    reports = new ReportLog();
    const first = newEngine();
    await first.restore();
    const a = task({ containers: [container({ name: 'app', command: TERM_OK }), container({ name: 'side', essential: false, command: TERM_OK })] });
    const orphan = task({ containers: [container({ name: 'app', command: TERM_OK })] });
    first.apply([a, orphan]);
    const before = await waitFor(a, 'RUNNING', (r) => isRunning(r) && r.containers.every((c) => c.lastStatus === 'RUNNING'));
    await waitFor(orphan, 'RUNNING', isRunning);
    await first.close();

    const second = newEngine();
    await second.restore();
    second.apply([a]);
    await eventually(async () => {
      const listed = await runtime.listContainers({ ...RUN_LABELS, 'com.amazonaws.ecs.task-arn': orphan.taskArn });
      assert.deepEqual(listed, [], 'the task no longer assigned is removed');
    }, { timeoutMs: 30_000, intervalMs: 100 });
    const listed = await runtime.listContainers({ ...RUN_LABELS, 'com.amazonaws.ecs.task-arn': a.taskArn });
    assert.deepEqual(listed.map((c) => c.id).sort(), before.containers.map((c) => c.runtimeId).sort(), 'the same two containers');
    assert.ok(listed.every((c) => c.status === 'running'));

    second.apply([revise(a, { desiredStatus: 'STOPPED' })]);
    const r = await waitFor(a, 'STOPPED', isStopped);
    assert.deepEqual(r.containers.map((c) => c.exitCode), [0, 0], 'the new engine stopped what the old one started');
  });
});
