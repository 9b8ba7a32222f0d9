import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignment, container } from './agent-fixtures.js';
import { engineHarnessPerTest } from './engine-harness.js';

const setup = engineHarnessPerTest();

describe('TaskEngine restarts on the fake runtime', () => {
  it('re-adopts running containers after a restart, with no duplicates, and removes what is no longer assigned', async () => {
    const { engine, reports, fake, idOf, called, newEngine, runtime } = setup();
    const keep = assignment({ containers: [container({ name: 'app' }), container({ name: 'side', essential: false })] });
    const drop = assignment();
    const exited = assignment();
    engine.apply([keep, drop, exited]);
    await engine.settled();
    const ids = [idOf(keep, 'app'), idOf(keep, 'side')];
    const dropId = idOf(drop, 'app');
    await engine.close();
    fake.exit(idOf(exited, 'app'), 4); // while no agent watched

    const creates = called('createContainer').length;
    const again = newEngine();
    await again.restore();
    again.apply([keep, exited]);
    await again.settled();
    assert.equal(called('createContainer').length, creates, 'nothing created twice');
    assert.deepEqual([idOf(keep, 'app'), idOf(keep, 'side')], ids);
    assert.equal(reports.latest(keep.taskArn).lastStatus, 'RUNNING');
    assert.equal(await fake.inspectContainer(dropId), undefined, 'the dropped task was removed');
    const e = reports.latest(exited.taskArn);
    assert.deepEqual([e.lastStatus, e.stopCode, e.containers[0]?.exitCode], ['STOPPED', 'EssentialContainerExited', 4]);

    fake.exit(ids[0]!, 0); // events reach the new engine's runner
    await again.settled();
    assert.deepEqual(reports.latest(keep.taskArn).containers.map((c) => c.lastStatus), ['STOPPED', 'STOPPED']);
    again.apply([]);
    await again.settled();
    assert.deepEqual(await runtime.listContainers({ 'berth.agent': 'a1' }), [], 'a forgotten task leaves nothing behind');
  });


  it('adopts its own container when a create finds the name taken (a restart without restore)', async () => {
    const { engine, reports, idOf, called, newEngine } = setup();
    const a = assignment();
    engine.apply([a]);
    await engine.settled();
    const id = idOf(a, 'app');
    await engine.close();
    const again = newEngine();
    again.apply([a]);
    await again.settled();
    assert.equal(idOf(a, 'app'), id);
    assert.equal(reports.latest(a.taskArn).lastStatus, 'RUNNING');
    assert.equal(called('startContainer').length, 2, 'starting a running container is a no-op');
    assert.equal(called('createContainer').length, 2, 'the second create conflicted');
  });

});
