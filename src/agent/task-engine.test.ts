import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContainerStartError, InvalidContainerSpecError } from '../runtime/runtime-errors.js';
import { assignment, container, revise } from './agent-fixtures.js';
import { engineHarnessPerTest } from './engine-harness.js';
import { ECS_LABELS } from './labels.js';

const setup = engineHarnessPerTest();

describe('TaskEngine on the fake runtime', () => {
  it('runs a task to RUNNING and, when its essential container exits 0, to STOPPED', async () => {
    const { engine, reports, fake, clock, idOf, called } = setup();
    const a = assignment();
    engine.apply([a]);
    await engine.settled();
    const running = reports.latest(a.taskArn);
    assert.equal(running.lastStatus, 'RUNNING');
    assert.deepEqual(running.containers.map((c) => [c.name, c.lastStatus, c.healthStatus]), [['app', 'RUNNING', 'UNKNOWN']]);
    assert.equal(running.healthStatus, 'UNKNOWN');
    assert.equal(running.pullStartedAt, clock.now());
    assert.equal(running.startedAt, clock.now());
    assert.equal(called('pullImage').length, 0, 'a local image is not pulled');

    const id = idOf(a, 'app');
    const state = await fake.inspectContainer(id);
    assert.equal(state?.name, `berth-${a.taskArn.split('/').at(-1)}-app`);
    assert.deepEqual(
      [ECS_LABELS.cluster, ECS_LABELS.taskArn, ECS_LABELS.containerName, ECS_LABELS.family, ECS_LABELS.version, 'berth.agent'].map((k) => state?.labels[k]),
      ['default', a.taskArn, 'app', 'web', '3', 'a1'],
    );

    clock.advance(5_000);
    fake.exit(id, 0);
    await engine.settled();
    const stopped = reports.latest(a.taskArn);
    assert.equal(stopped.lastStatus, 'STOPPED');
    assert.equal(stopped.stopCode, 'EssentialContainerExited');
    assert.equal(stopped.stoppedReason, 'Essential container in task exited');
    assert.deepEqual(stopped.containers.map((c) => [c.lastStatus, c.exitCode]), [['STOPPED', 0]]);
    assert.equal(stopped.executionStoppedAt, clock.now());
    assert.equal(stopped.stoppedAt, clock.now());
    assert.deepEqual(reports.statuses(a.taskArn), ['PENDING', 'RUNNING', 'STOPPED']);
  });

  it('stops the other containers when an essential one exits; a non-essential exit stops only itself', async () => {
    const { engine, reports, fake, idOf } = setup();
    const a = assignment({ containers: [container({ name: 'app' }), container({ name: 'side', essential: false }), container({ name: 'log', essential: false })] });
    engine.apply([a]);
    await engine.settled();
    fake.exit(idOf(a, 'side'), 3);
    await engine.settled();
    let r = reports.latest(a.taskArn);
    assert.equal(r.lastStatus, 'RUNNING', 'a non-essential exit leaves the task running');
    assert.deepEqual(r.containers.map((c) => [c.name, c.lastStatus, c.exitCode]), [['app', 'RUNNING', undefined], ['side', 'STOPPED', 3], ['log', 'RUNNING', undefined]]);

    fake.exit(idOf(a, 'app'), 2);
    await engine.settled();
    r = reports.latest(a.taskArn);
    assert.equal(r.lastStatus, 'STOPPED');
    assert.equal(r.stopCode, 'EssentialContainerExited');
    assert.deepEqual(r.containers.map((c) => [c.name, c.lastStatus, c.exitCode]), [['app', 'STOPPED', 2], ['side', 'STOPPED', 3], ['log', 'STOPPED', 143]]);
  });

  it('starts containers in dependsOn order (START, COMPLETE, SUCCESS, HEALTHY) and stops them in reverse', async () => {
    const { engine, reports, fake, idOf, called } = setup();
    const health = { command: ['CMD-SHELL', 'true'], interval: 5 };
    const a = assignment({ containers: [
      container({ name: 'web', dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }, { containerName: 'migrate', condition: 'SUCCESS' }, { containerName: 'seed', condition: 'COMPLETE' }] }),
      container({ name: 'db', healthCheck: health }),
      container({ name: 'migrate', essential: false }),
      container({ name: 'seed', essential: false }),
      container({ name: 'proxy', dependsOn: [{ containerName: 'web', condition: 'START' }] }),
    ] });
    engine.apply([a]);
    await engine.settled();
    const started = () => called('startContainer').map((c) => reports.latest(a.taskArn).containers.find((x) => x.runtimeId === c.args[0])?.name);
    assert.deepEqual(started(), ['db', 'migrate', 'seed']);
    assert.equal(reports.latest(a.taskArn).lastStatus, 'PENDING', 'web and proxy are essential and not running');

    fake.exit(idOf(a, 'migrate'), 0);
    fake.exit(idOf(a, 'seed'), 7); // COMPLETE takes any exit code
    await engine.settled();
    assert.deepEqual(started(), ['db', 'migrate', 'seed'], 'web still waits for db to be healthy');
    fake.setHealth(idOf(a, 'db'), 'healthy');
    await engine.settled();
    assert.deepEqual(started(), ['db', 'migrate', 'seed', 'web', 'proxy']);
    const r = reports.latest(a.taskArn);
    assert.equal(r.lastStatus, 'RUNNING');
    assert.equal(r.healthStatus, 'HEALTHY', 'db is the one essential container with a health check');

    engine.apply([revise(a, { desiredStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' })]);
    await engine.settled();
    const stopped = called('stopContainer').map((c) => reports.latest(a.taskArn).containers.find((x) => x.runtimeId === c.args[0])?.name);
    assert.deepEqual(stopped, ['proxy', 'web', 'db'], 'shutdown is startup reversed');
  });

  it('fails to start when a SUCCESS dependency exits non-zero', async () => {
    const { engine, reports, fake, idOf, called } = setup();
    const a = assignment({ containers: [
      container({ name: 'app', dependsOn: [{ containerName: 'migrate', condition: 'SUCCESS' }] }),
      container({ name: 'migrate', essential: false }),
    ] });
    engine.apply([a]);
    await engine.settled();
    fake.exit(idOf(a, 'migrate'), 1);
    await engine.settled();
    const r = reports.latest(a.taskArn);
    assert.equal(r.lastStatus, 'STOPPED');
    assert.equal(r.stopCode, 'TaskFailedToStart');
    assert.match(r.stoppedReason ?? '', /^CannotStartContainerError: dependency migrate exited with code 1/);
    assert.equal(reports.container(a.taskArn, 'app').exitCode, undefined, 'app never ran');
    assert.equal(called('startContainer').length, 1);
  });

  it('reports a failing health check as UNHEALTHY, for the container and (if essential) the task', async () => {
    const { engine, reports, fake, idOf } = setup();
    const check = { command: ['CMD-SHELL', 'exit 1'], interval: 5, retries: 1 };
    const a = assignment({ containers: [container({ name: 'app', healthCheck: check }), container({ name: 'side', essential: false, healthCheck: check })] });
    engine.apply([a]);
    await engine.settled();
    assert.equal(reports.latest(a.taskArn).healthStatus, 'UNKNOWN', 'starting is UNKNOWN');
    fake.setHealth(idOf(a, 'side'), 'unhealthy');
    fake.setHealth(idOf(a, 'app'), 'healthy');
    await engine.settled();
    assert.deepEqual([reports.latest(a.taskArn).healthStatus, reports.container(a.taskArn, 'side').healthStatus], ['HEALTHY', 'UNHEALTHY']);
    fake.setHealth(idOf(a, 'app'), 'unhealthy');
    await engine.settled();
    const r = reports.latest(a.taskArn);
    assert.deepEqual([r.healthStatus, r.lastStatus, r.containers[0]?.healthStatus], ['UNHEALTHY', 'RUNNING', 'UNHEALTHY'], 'a standalone task keeps running');
  });

  it('fails with CannotPullContainerError when no registry has the image, and pulls one only the registry has', async () => {
    const { engine, reports, called } = setup({ images: [], registry: ['registry.local/app:1'] });
    const missing = assignment({ containers: [container({ name: 'app' }, 'registry.local/missing:1')] });
    const pulled = assignment({ containers: [container({ name: 'app' }, 'registry.local/app:1')] });
    engine.apply([missing, pulled]);
    await engine.settled();
    const r = reports.latest(missing.taskArn);
    assert.equal(r.lastStatus, 'STOPPED');
    assert.equal(r.stopCode, 'TaskFailedToStart');
    assert.equal(r.stoppedReason, 'CannotPullContainerError: image registry.local/missing:1 not found: manifest unknown');
    assert.equal(r.containers[0]?.reason, r.stoppedReason);
    assert.equal(typeof r.pullStoppedAt, 'number');
    assert.deepEqual(reports.statuses(missing.taskArn), ['PENDING', 'STOPPED']);
    assert.equal(reports.latest(pulled.taskArn).lastStatus, 'RUNNING');
    assert.deepEqual(called('pullImage').map((c) => c.args[0]), ['registry.local/missing:1', 'registry.local/app:1']);
  });

  it('pulls images on a credentialed registry every time with its credentials, and falls back to a cached copy', async () => {
    const credentials = { serveraddress: '127.0.0.1:4566', username: 'AWS', password: 'token-1' };
    const { engine, reports, fake } = setup({
      images: ['127.0.0.1:4566/web:cached', 'berth-test/busybox:latest'],
      registry: ['127.0.0.1:4566/web:1'],
    });
    const fresh = assignment({ containers: [container({ name: 'app' }, '127.0.0.1:4566/web:1')] });
    const cached = assignment({ containers: [container({ name: 'app' }, '127.0.0.1:4566/web:cached')] });
    const elsewhere = assignment({ containers: [container({ name: 'app' })] });
    engine.apply([fresh, cached, elsewhere].map((a) => ({ ...a, registryCredentials: [credentials] })));
    await engine.settled();
    assert.deepEqual([fresh, cached, elsewhere].map((a) => reports.latest(a.taskArn).lastStatus), ['RUNNING', 'RUNNING', 'RUNNING'], 'a failed pull of a cached image still runs');
    assert.deepEqual(fake.pulls, [
      { ref: '127.0.0.1:4566/web:1', auth: credentials },
      { ref: '127.0.0.1:4566/web:cached', auth: credentials },
    ], 'images on other registries are not pulled when present, and get no credentials');
  });

  it('reports an OOM kill as OutOfMemoryError with exit code 137', async () => {
    const { engine, reports, fake, idOf } = setup();
    const a = assignment({ containers: [container({ name: 'app', memory: 16 })] });
    engine.apply([a]);
    await engine.settled();
    fake.oom(idOf(a, 'app'));
    await engine.settled();
    const c = reports.container(a.taskArn, 'app');
    assert.deepEqual([c.lastStatus, c.exitCode, c.reason], ['STOPPED', 137, 'OutOfMemoryError: Container killed due to memory usage']);
    assert.equal(reports.latest(a.taskArn).stopCode, 'EssentialContainerExited');
  });

  it('stops on desired STOPPED: SIGTERM, then SIGKILL after the stopTimeout, echoing the reason', async () => {
    const { engine, reports, fake, idOf, called } = setup();
    const a = assignment({ containers: [container({ name: 'app', stopTimeout: 7 }), container({ name: 'quick' })] });
    engine.apply([a]);
    await engine.settled();
    const events: string[] = [];
    const abort = new AbortController();
    const stream = fake.events({ [ECS_LABELS.containerName]: 'app' }, abort.signal);
    await stream.ready;
    void (async () => {
      for await (const e of stream) if (e.action === 'kill' || e.action === 'die') events.push(e.signal ?? `die ${e.exitCode}`);
    })();
    fake.onSigterm(idOf(a, 'app'), 'ignore');
    engine.apply([revise(a, { desiredStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' })]);
    await engine.settled();
    abort.abort();
    assert.deepEqual(called('stopContainer').map((c) => c.args[1]).sort(), [30, 7], 'stopTimeout from the definition, else 30 s');
    assert.deepEqual(events, ['SIGTERM', 'SIGKILL', 'die 137']);
    const r = reports.latest(a.taskArn);
    assert.deepEqual([r.lastStatus, r.stoppedReason, r.stopCode], ['STOPPED', 'Task stopped by user', undefined]);
    assert.deepEqual(r.containers.map((c) => c.exitCode), [137, 143]);
    engine.apply([revise(revise(a, {}), { desiredStatus: 'RUNNING' })]);
    await engine.settled();
    assert.equal(reports.latest(a.taskArn).lastStatus, 'STOPPED', 'the desired status only moves forward');
    assert.equal(called('createContainer').length, 2);
  });

  it('maps create and start failures to CannotCreateContainerError and CannotStartContainerError', async () => {
    const { engine, reports, fake } = setup();
    fake.failNext('createContainer', new InvalidContainerSpecError('app', 'invalid mount'));
    const a = assignment();
    engine.apply([a]);
    await engine.settled();
    assert.deepEqual([reports.latest(a.taskArn).stopCode, reports.latest(a.taskArn).stoppedReason],
      ['TaskFailedToStart', 'CannotCreateContainerError: cannot create container app: invalid mount']);
    fake.failNext('startContainer', new ContainerStartError('x', 'exec: "nope": executable file not found'));
    const b = assignment();
    engine.apply([a, b]);
    await engine.settled();
    assert.equal(reports.latest(b.taskArn).stoppedReason, 'CannotStartContainerError: cannot start container x: exec: "nope": executable file not found');
    assert.equal(reports.latest(b.taskArn).lastStatus, 'STOPPED');
  });

  it('refuses a field it cannot serve, naming it, instead of running without it', async () => {
    const { engine, reports, called } = setup();
    const a = assignment({ containers: [container({ name: 'app', secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db' }] })] });
    engine.apply([a]);
    await engine.settled();
    const r = reports.latest(a.taskArn);
    assert.deepEqual([r.lastStatus, r.stopCode, r.stoppedReason], ['STOPPED', 'TaskFailedToStart', 'ResourceInitializationError: Berth does not support secrets yet (container app)']);
    assert.equal(called('createContainer').length, 0);
  });

  it('publishes bridge ports on the host IP with the assigned host ports and reports them', async () => {
    const { engine, reports } = setup();
    const a = assignment({
      containers: [container({ name: 'app', portMappings: [{ containerPort: 80 }, { containerPort: 53, protocol: 'udp' }] })],
      hostPorts: [{ containerName: 'app', containerPort: 80, hostPort: 40080, protocol: 'tcp' }],
    });
    engine.apply([a]);
    await engine.settled();
    assert.deepEqual(reports.container(a.taskArn, 'app').networkBindings, [
      { bindIP: '127.0.0.1', containerPort: 80, hostPort: 40080, protocol: 'tcp' },
      { bindIP: '127.0.0.1', containerPort: 53, hostPort: 32768, protocol: 'udp' },
    ]);
  });

  it('gives an awsvpc task a network of its own, reported as an ENI attachment, removed after it stops', async () => {
    const { engine, reports, fake, idOf } = setup();
    const a = assignment({ taskDefinition: { networkMode: 'awsvpc' }, containers: [container({ name: 'app', portMappings: [{ containerPort: 80 }] })] });
    const network = `berth-task-${a.taskArn.split('/').at(-1)}`;
    engine.apply([a]);
    await engine.settled();
    assert.ok(await fake.inspectNetwork(network), `network ${network} exists`);
    const attachment = reports.latest(a.taskArn).attachments?.[0];
    assert.equal(attachment?.type, 'ElasticNetworkInterface');
    assert.equal(attachment?.status, 'ATTACHED');
    const details = Object.fromEntries((attachment?.details ?? []).map((d) => [d.name, d.value]));
    assert.match(details.privateIPv4Address ?? '', /^172\.\d+\.0\.2$/);
    assert.match(details.networkInterfaceId ?? '', /^eni-[0-9a-f]{17}$/);
    assert.equal(details.subnetId, 'subnet-berth');
    assert.match(details.macAddress ?? '', /^02:42(:[0-9a-f]{2}){4}$/);
    assert.deepEqual(reports.container(a.taskArn, 'app').networkBindings, [], 'awsvpc publishes no host ports');
    fake.exit(idOf(a, 'app'), 0);
    await engine.settled();
    assert.equal(await fake.inspectNetwork(network), undefined);
    assert.equal(reports.latest(a.taskArn).attachments?.[0]?.status, 'DELETED');
  });

  it('fails a task whose dependsOn has a cycle, naming it', async () => {
    const { engine, reports } = setup();
    const a = assignment({ containers: [
      container({ name: 'a', dependsOn: [{ containerName: 'b', condition: 'START' }] }),
      container({ name: 'b', dependsOn: [{ containerName: 'a', condition: 'START' }] }),
    ] });
    engine.apply([a]);
    await engine.settled();
    assert.deepEqual([reports.latest(a.taskArn).stopCode, reports.latest(a.taskArn).stoppedReason],
      ['TaskFailedToStart', 'CannotStartContainerError: dependsOn has a cycle: a -> b -> a']);
  });

  it('stops and removes a running task the control plane no longer assigns', async () => {
    const { engine, reports, runtime } = setup();
    const a = assignment();
    engine.apply([a]);
    await engine.settled();
    engine.apply([]);
    await engine.settled();
    assert.equal(reports.latest(a.taskArn).lastStatus, 'STOPPED');
    assert.deepEqual(await runtime.listContainers({ 'berth.agent': 'a1' }), []);
  });

  it('reports STOPPED at once for a task told to stop that never ran here', async () => {
    const { engine, reports, called } = setup();
    const a = assignment({ desiredStatus: 'STOPPED', stoppedReason: 'Task stopped by user', stopCode: 'UserInitiated' });
    engine.apply([a]);
    await engine.settled();
    const r = reports.latest(a.taskArn);
    assert.deepEqual([r.lastStatus, r.stoppedReason, r.containers[0]?.lastStatus], ['STOPPED', 'Task stopped by user', 'STOPPED']);
    assert.equal(called('createContainer').length, 0);
  });
});
