import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../kit/clock.js';
import { runtimeConformance } from './container-runtime.case.js';
import { FakeContainerRuntime } from './fake-runtime.js';
import { ImagePullError } from './runtime-errors.js';

const IMAGE = 'berth-test/busybox:latest';

runtimeConformance('fake', () => new FakeContainerRuntime({ clock: new FakeClock(), images: [IMAGE] }), {
  skip: false,
  image: IMAGE,
  missingImage: () => '127.0.0.1:5000/berth-test/missing:latest',
  runLabels: { 'berth.test-run': 'fake' },
  namePrefix: 'conf',
  testTimeoutMs: 5_000,
  act(fake, id, behaviour) {
    switch (behaviour.kind) {
      case 'exits': return fake.exit(id, behaviour.code);
      case 'oom': return fake.oom(id);
      case 'health': return fake.setHealth(id, behaviour.status);
      case 'sigterm': return fake.onSigterm(id, behaviour.exitCode);
    }
  },
  // The fake changes state synchronously: one look is enough, and no test waits on a clock.
  waitFor: (check) => check(),
  async assertReachable(fake, hostIp, hostPort) {
    const bound = [];
    for (const c of await fake.listContainers({})) bound.push(...((await fake.inspectContainer(c.id))?.ports ?? []));
    assert.ok(bound.some((p) => p.hostIp === hostIp && p.hostPort === hostPort), `${hostIp}:${hostPort} should be bound`);
  },
});

describe('FakeContainerRuntime controls', () => {
  const spec = { name: 'app', image: IMAGE, labels: { team: 'a' } };

  it('gives deterministic ids and takes time from its clock', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const make = () => new FakeContainerRuntime({ clock, images: [IMAGE] });
    const [a, b] = [make(), make()];
    const id = await a.createContainer(spec);
    assert.equal(id, await b.createContainer(spec));
    clock.advance(5_000);
    await a.startContainer(id);
    assert.equal((await a.inspectContainer(id))?.startedAt, Date.UTC(2026, 0, 1) + 5_000);
  });

  it('pulls what its registry has, recording the credentials', async () => {
    const fake = new FakeContainerRuntime({ registry: ['app:1'] });
    const auth = { username: 'AWS', password: 'token', serveraddress: '127.0.0.1:5000' };
    await fake.pullImage('app:1', auth);
    assert.equal(await fake.hasImage('app:1'), true);
    assert.deepEqual(fake.pulls, [{ ref: 'app:1', auth }]);
    assert.equal(await fake.hasImage('busybox'), false);
    fake.addImage('busybox');
    assert.equal(await fake.hasImage('busybox:latest'), true, "an untagged reference means ':latest'");
  });

  it('fails the next call of a method with a seeded fault, once', async () => {
    const fake = new FakeContainerRuntime({ registry: ['app:1'] });
    fake.failNext('pullImage', new ImagePullError('app:1', 'registry unreachable'));
    await assert.rejects(fake.pullImage('app:1'), { code: 'BERTH_ERR_IMAGE_PULL', retriable: true });
    await fake.pullImage('app:1');
  });

  it('refuses to start on a fixed host port that a running container holds', async () => {
    const fake = new FakeContainerRuntime({ images: [IMAGE] });
    const ports = [{ containerPort: 80, protocol: 'tcp' as const, hostIp: '', hostPort: 8080 }];
    await fake.startContainer(await fake.createContainer({ ...spec, name: 'a', portBindings: ports }));
    const b = await fake.createContainer({ ...spec, name: 'b', portBindings: ports });
    await assert.rejects(fake.startContainer(b), { code: 'BERTH_ERR_CONTAINER_START', message: /port is already allocated/ });
  });

  it('drops an event subscription when its signal aborts, iterated or not', async () => {
    const fake = new FakeContainerRuntime({ images: [IMAGE] });
    const abort = new AbortController();
    fake.events({}, abort.signal);
    assert.equal(fake.eventSubscriberCount, 1);
    abort.abort();
    assert.equal(fake.eventSubscriberCount, 0);
  });
});
