import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerSpec } from '../runtime/container-runtime.js';
import { RuntimeApiError } from '../runtime/runtime-errors.js';
import { assignment, container, revise, type RecordedCall } from './agent-fixtures.js';
import { engineHarnessPerTest } from './engine-harness.js';
import { ECS_LABELS, SANDBOX_LABELS, sandboxContainerName, taskIdOf, taskNetworkName } from './labels.js';
import { PAUSE_IMAGE } from './pause-image.js';
import type { TaskAssignment } from '../domain/ecs/task-contract.js';

const setup = engineHarnessPerTest();
const awsvpc = (containers = [container({ name: 'app' })]) => assignment({ taskDefinition: { networkMode: 'awsvpc' }, containers });
const names = (a: TaskAssignment) => ({ network: taskNetworkName(taskIdOf(a.taskArn)), pause: sandboxContainerName(taskIdOf(a.taskArn)) });
const ipOf = (r: { attachments?: { details?: { name?: string; value?: string }[] }[] }) =>
  r.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')?.value;

/** The sandbox-relevant runtime calls, named by what they touch: 'create pause', 'start app', 'removeNetwork', ... */
function story(calls: readonly RecordedCall[], nameOf: (idOrName: string) => string): string[] {
  const steps: string[] = [];
  for (const { method, args } of calls) {
    const target = args[0] as string | ContainerSpec;
    if (method === 'createNetwork' || method === 'removeNetwork' || method === 'importImage') steps.push(method);
    if (method === 'createContainer') steps.push(`create ${nameOf((target as ContainerSpec).name)}`);
    if (method === 'startContainer' || method === 'stopContainer' || method === 'removeContainer') steps.push(`${method.replace('Container', '')} ${nameOf(target as string)}`);
  }
  return steps;
}

describe('TaskEngine: awsvpc sandboxes on the fake runtime', () => {
  it('provisions the sandbox (network, pause container) before the containers, which join its namespace; removes it after them', async () => {
    const { engine, reports, fake, idOf, calls, called } = setup();
    const a = awsvpc([
      container({ name: 'app', portMappings: [{ containerPort: 8080 }] }),
      container({ name: 'envoy', dnsServers: ['10.0.0.2'], extraHosts: [{ hostname: 'db', ipAddress: '10.0.0.9' }], systemControls: [{ namespace: 'net.ipv4.ip_forward', value: '1' }] }),
    ]);
    const { network, pause } = names(a);
    engine.apply([a]);
    await engine.settled();
    const pauseState = await fake.inspectContainer(pause);
    assert.ok(pauseState?.running, 'the pause container runs');
    assert.deepEqual([pauseState.image, pauseState.labels[SANDBOX_LABELS.role], pauseState.labels[ECS_LABELS.taskArn]], [PAUSE_IMAGE, 'sandbox', a.taskArn]);
    const nameOf = (x: string) => (x === pause || x === pauseState.id ? 'pause' : reports.latest(a.taskArn).containers.find((c) => c.runtimeId === x || `berth-${taskIdOf(a.taskArn)}-${c.name}` === x)?.name ?? x);
    assert.deepEqual(story(calls, nameOf), ['createNetwork', 'importImage', 'create pause', 'start pause', 'create app', 'create envoy', 'start app', 'start envoy']);

    const specs = called('createContainer').map((c) => c.args[0] as ContainerSpec);
    const pauseSpec = specs.find((s) => s.name === pause);
    assert.deepEqual([pauseSpec?.networkMode, pauseSpec?.entrypoint, pauseSpec?.dnsServers, pauseSpec?.extraHosts, pauseSpec?.sysctls],
      [network, ['/pause'], ['10.0.0.2'], [{ hostname: 'db', ipAddress: '10.0.0.9' }], { 'net.ipv4.ip_forward': '1' }], 'the task-wide network settings sit on the pause container');
    for (const s of specs.filter((x) => x !== pauseSpec)) {
      assert.deepEqual([s.networkMode, s.labels?.[SANDBOX_LABELS.sandbox], s.portBindings, s.dnsServers, s.extraHosts, s.sysctls],
        [`container:${pauseState.id}`, pauseState.id, undefined, undefined, undefined, undefined], `${s.name} joins the sandbox`);
    }
    const running = reports.latest(a.taskArn);
    assert.equal(running.lastStatus, 'RUNNING');
    assert.equal(ipOf(running), pauseState.networks[network], "the task's address is the pause container's");
    assert.equal(running.attachments?.[0]?.status, 'ATTACHED');

    const before = calls.length;
    fake.exit(idOf(a, 'app'), 0);
    await engine.settled();
    assert.deepEqual(story(calls.slice(before), nameOf), ['stop envoy', 'remove pause', 'removeNetwork'], 'containers first, then the pause container, then the network');
    assert.equal(await fake.inspectContainer(pause), undefined);
    assert.equal(await fake.inspectNetwork(network), undefined);
    const stopped = reports.latest(a.taskArn);
    assert.deepEqual([stopped.lastStatus, stopped.attachments?.[0]?.status], ['STOPPED', 'DELETED']);
  });

  it('imports the pause image once, at startup, and keeps one the engine already has', async () => {
    const { engine, fake, newEngine, called } = setup();
    await engine.restore();
    assert.deepEqual(fake.imports.map((i) => i.ref), [PAUSE_IMAGE]);
    assert.ok(fake.imports[0]!.bytes > 512 && fake.imports[0]!.bytes % 512 === 0, 'a tarball');
    const tasks = [awsvpc(), awsvpc()];
    engine.apply(tasks);
    await engine.settled();
    await newEngine().restore();
    assert.equal(called('importImage').length, 1, 'present → kept');
  });

  it('fails the task with ResourceInitializationError when the sandbox cannot start, and removes what it made', async () => {
    const { engine, reports, fake, called } = setup();
    fake.failNext('startContainer', new RuntimeApiError('start', 500, 'no netns for you'));
    const a = awsvpc();
    const { network, pause } = names(a);
    engine.apply([a]);
    await engine.settled();
    const r = reports.latest(a.taskArn);
    assert.deepEqual([r.lastStatus, r.stopCode], ['STOPPED', 'TaskFailedToStart']);
    assert.match(r.stoppedReason ?? '', /^ResourceInitializationError: cannot set up the task's network sandbox: .*no netns for you/);
    assert.equal(called('createContainer').length, 1, 'only the pause container was made');
    assert.equal(await fake.inspectContainer(pause), undefined);
    assert.equal(await fake.inspectNetwork(network), undefined);
  });

  it('re-adopts the sandbox after a restart (no second pause container), and the orphan sweep removes an unassigned task\'s', async () => {
    const { engine, reports, fake, called, newEngine, runtime } = setup();
    const keep = awsvpc([container({ name: 'app' }), container({ name: 'side' })]);
    const drop = awsvpc();
    engine.apply([keep, drop]);
    await engine.settled();
    const ip = ipOf(reports.latest(keep.taskArn));
    const keepPause = (await fake.inspectContainer(names(keep).pause))!.id;
    await engine.close();

    const creates = called('createContainer').length;
    const again = newEngine();
    await again.restore();
    again.apply([keep]);
    await again.settled();
    assert.equal(called('createContainer').length, creates, 'nothing created twice');
    const pauses = await runtime.listContainers({ [SANDBOX_LABELS.role]: 'sandbox' });
    assert.deepEqual(pauses.map((p) => p.id), [keepPause], "the dropped task's pause container is gone, the kept one adopted");
    assert.equal(await fake.inspectNetwork(names(drop).network), undefined);
    assert.deepEqual([reports.latest(keep.taskArn).lastStatus, ipOf(reports.latest(keep.taskArn))], ['RUNNING', ip]);

    again.apply([revise(keep, { desiredStatus: 'STOPPED' })]);
    await again.settled();
    assert.equal(reports.latest(keep.taskArn).lastStatus, 'STOPPED');
    assert.equal(await fake.inspectContainer(keepPause), undefined, 'the adopted sandbox is removed when its task stops');
    assert.equal(await fake.inspectNetwork(names(keep).network), undefined);
  });
});
