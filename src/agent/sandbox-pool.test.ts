import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerSpec } from '../runtime/container-runtime.js';
import { assignment, container, revise } from './agent-fixtures.js';
import { engineHarnessPerTest } from './engine-harness.js';
import { computeAgentLabels, ECS_LABELS, SANDBOX_LABELS, sandboxContainerName, taskIdOf, taskNetworkName } from './labels.js';
import { pauseImageOnce } from './pause-image.js';
import { SandboxPool } from './sandbox-pool.js';
import { silentLogger } from './agent-logger.js';
import type { TaskAssignment } from '../domain/ecs/task-contract.js';

const setup = engineHarnessPerTest();
const awsvpc = (containers = [container({ name: 'app' })]) => assignment({ taskDefinition: { networkMode: 'awsvpc' }, containers });
const ipOf = (r: { attachments?: { details?: { name?: string; value?: string }[] }[] }) =>
  r.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')?.value;

describe('TaskEngine: the warm pool of awsvpc sandboxes, on the fake runtime', () => {
  const harness = () => {
    const h = setup({ warmSandboxes: 2 });
    const pauses = () => h.runtime.listContainers({ [SANDBOX_LABELS.role]: 'sandbox' });
    /** Pause containers no task made or joined. */
    const spares = async () => {
      const joined = new Set((await h.runtime.listContainers({})).map((c) => c.labels[SANDBOX_LABELS.sandbox]));
      return (await pauses()).filter((c) => !c.labels[ECS_LABELS.taskArn] && !joined.has(c.id));
    };
    /** The sandbox a task's container was created to join. */
    const sandboxOf = (a: TaskAssignment) => {
      const spec = h.called('createContainer').map((c) => c.args[0] as ContainerSpec).find((s) => s.labels?.[ECS_LABELS.taskArn] === a.taskArn && s.labels[SANDBOX_LABELS.sandbox]);
      assert.ok(spec, `a container of ${a.taskArn} was created`);
      return spec.labels![SANDBOX_LABELS.sandbox]!;
    };
    return { ...h, pauses, spares, sandboxOf };
  };

  it('fills after the first awsvpc task; the next claims a spare (no network of its own) and the pool refills to its bound', async () => {
    const { engine, reports, fake, called, spares, pauses, sandboxOf } = harness();
    const first = awsvpc();
    engine.apply([first]);
    await engine.settled();
    assert.equal(called('createNetwork').length, 1 + 2, "the first task's own, then two spares");
    const ready = (await spares()).map((s) => s.id);
    assert.equal(ready.length, 2);

    const second = awsvpc([container({ name: 'app' }), container({ name: 'side' })]);
    engine.apply([first, second]);
    await engine.settled();
    const claimed = sandboxOf(second);
    assert.ok(ready.includes(claimed), 'it joined a spare');
    const id = taskIdOf(second.taskArn);
    assert.equal(await fake.inspectNetwork(taskNetworkName(id)), undefined, 'no network of its own');
    assert.equal(await fake.inspectContainer(sandboxContainerName(id)), undefined, 'no pause container of its own');
    const claimedState = await fake.inspectContainer(claimed);
    const network = claimedState!.labels[SANDBOX_LABELS.network]!;
    assert.deepEqual([reports.latest(second.taskArn).lastStatus, ipOf(reports.latest(second.taskArn))], ['RUNNING', claimedState!.networks[network]]);
    assert.equal((await spares()).length, 2, 'refilled');
    assert.equal((await pauses()).length, 4, "first's own, second's claimed, two spares: bounded");

    const dns = awsvpc([container({ name: 'app', dnsServers: ['10.0.0.2'] })]);
    engine.apply([first, revise(second, { desiredStatus: 'STOPPED' }), dns]);
    await engine.settled();
    assert.ok(await fake.inspectContainer(sandboxContainerName(taskIdOf(dns.taskArn))), 'a task with DNS settings gets a sandbox of its own');
    assert.equal(reports.latest(second.taskArn).lastStatus, 'STOPPED');
    assert.equal(await fake.inspectContainer(claimed), undefined, 'a claimed sandbox goes with its task');
    assert.equal(await fake.inspectNetwork(network), undefined);
  });

  it('re-adopts a claimed sandbox after a restart; spares go on close; a forgotten task takes its sandbox with it', async () => {
    const { engine, reports, fake, called, spares, pauses, sandboxOf, newEngine, runtime } = harness();
    const first = awsvpc();
    engine.apply([first]);
    await engine.settled();
    const second = awsvpc();
    engine.apply([first, second]);
    await engine.settled();
    const claimed = sandboxOf(second);
    const network = (await fake.inspectContainer(claimed))!.labels[SANDBOX_LABELS.network]!;
    const ip = ipOf(reports.latest(second.taskArn));
    await engine.close();
    assert.deepEqual(await spares(), [], 'spares removed on close');
    assert.ok((await fake.inspectContainer(claimed))?.running, 'the claimed sandbox stays with its task');

    const creates = called('createContainer').length;
    const again = newEngine();
    await again.restore();
    again.apply([second]);
    await again.settled();
    assert.equal(called('createContainer').length, creates, 'nothing created twice');
    assert.deepEqual([reports.latest(second.taskArn).lastStatus, ipOf(reports.latest(second.taskArn))], ['RUNNING', ip]);
    assert.deepEqual((await pauses()).map((p) => p.id), [claimed], "the unassigned first task's pause container was swept; the claimed one kept");
    assert.equal(await fake.inspectNetwork(taskNetworkName(taskIdOf(first.taskArn))), undefined);

    again.apply([]);
    await again.settled();
    assert.deepEqual(await runtime.listContainers({ 'berth.agent': 'a1' }), [], 'nothing left behind, the claimed pause container included');
    assert.equal(await fake.inspectNetwork(network), undefined, "and the claimed sandbox's network");
  });

  it('keeps the running spares a crashed agent left, up to its bound, and hands them out', async () => {
    const { fake, newEngine, called, spares, sandboxOf } = harness();
    // A pool of 3 whose agent died without closing it.
    const agentLabels = computeAgentLabels('default', { 'berth.agent': 'a1' });
    const crashed = new SandboxPool({ runtime: fake, agentLabels, size: 3, pauseImage: pauseImageOnce(fake, new AbortController().signal), logger: silentLogger });
    crashed.claim();
    while (crashed.busy) await new Promise((resolve) => setImmediate(resolve));
    const left = (await spares()).map((s) => s.id);
    assert.equal(left.length, 3);

    const engine = newEngine();
    await engine.restore();
    await engine.settled();
    assert.equal((await spares()).length, 2, 'one over the bound removed');
    const networksBefore = called('createNetwork').length;
    const a = awsvpc();
    engine.apply([a]);
    await engine.settled();
    assert.ok(left.includes(sandboxOf(a)), 'the task got a sandbox the crashed agent made');
    assert.equal(called('createNetwork').length, networksBefore + 1, 'only the refill made a network');
  });
});
