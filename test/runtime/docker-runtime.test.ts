/**
 * The conformance suite on a real Docker engine (integration). Skipped when no engine answers or
 * the test image is missing (`scripts/docker-setup.sh` provides both); BERTH_REQUIRE_DOCKER=1
 * turns the skip into a failure, for CI.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { runtimeConformance } from '../../src/runtime/container-runtime.case.js';
import { DockerClient } from '../../src/runtime/docker/client.js';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
import { hadOomEvent } from '../../src/runtime/docker/events.js';
import { dockerSkipReason, httpGet, TEST_IMAGE } from '../support/docker.js';
import { eventually } from '../support/eventually.js';
import { startEmptyRegistry } from './stub-registry.js';

const IMAGE = TEST_IMAGE;


const skip = await dockerSkipReason();


const run = `${process.pid}-${randomBytes(3).toString('hex')}`;
let registry: Awaited<ReturnType<typeof startEmptyRegistry>> | undefined;

runtimeConformance('docker', () => new DockerRuntime(), {
  skip,
  image: IMAGE,
  missingImage: () => `${registry?.host}/berth-test/missing:latest`,
  runLabels: { 'berth.test-run': run },
  namePrefix: `berth-test-${run}`,
  testTimeoutMs: 60_000,
  async before() {
    registry = await startEmptyRegistry();
  },
  async after() {
    await registry?.close();
  },
  act: () => undefined, // the container's own command does it
  waitFor: (check) => eventually(check, { timeoutMs: 30_000, intervalMs: 100 }),
  async assertReachable(_runtime, hostIp, hostPort) {
    assert.match(await httpGet(hostIp, hostPort), /^HTTP\/1\.[01] 200/);
  },
});

describe('DockerRuntime, engine specifics', { skip }, () => {
  it('reports an unreachable registry as a retriable pull failure', async () => {
    const runtime = new DockerRuntime();
    try {
      await assert.rejects(runtime.pullImage('127.0.0.1:1/berth-test/any:latest'), { code: 'BERTH_ERR_IMAGE_PULL', retriable: true });
    } finally {
      await runtime.close();
    }
  });

  it('reports an engine that is not there as RuntimeUnavailableError', async () => {
    const runtime = new DockerRuntime({ dockerHost: 'unix:///nonexistent/docker.sock' });
    await assert.rejects(runtime.info(), { code: 'BERTH_ERR_RUNTIME_UNAVAILABLE', retriable: true });
    await runtime.close();
  });

  it('finds the OOM kill in the engine\'s event log (Docker can lose the OOMKilled flag to a race with the exit)', async () => {
    const client = new DockerClient();
    const started = Date.now();
    const docker = (args: string[]) => execFileSync('docker', args).toString().trim();
    const oom = docker(['run', '-d', '--label', `berth.test-run=${run}`, '-m', '8m', '--memory-swap', '8m', IMAGE, 'sh', '-c', 'x=a; while true; do x=$x$x; done']);
    const clean = docker(['run', '-d', '--label', `berth.test-run=${run}`, IMAGE, 'sh', '-c', 'exit 0']);
    try {
      await eventually(() => assert.equal(docker(['inspect', '-f', '{{.State.Running}}', oom]), 'false', 'the OOM container ended'), { timeoutMs: 30_000, intervalMs: 100 });
      await eventually(() => assert.equal(docker(['inspect', '-f', '{{.State.Running}}', clean]), 'false', 'the clean container ended'), { timeoutMs: 30_000, intervalMs: 100 });
      assert.equal(await hadOomEvent(client, oom, started, 10_000), true);
      assert.equal(await hadOomEvent(client, clean, started, 10_000), false);
    } finally {
      docker(['rm', '-f', oom, clean]);
      await client.close();
    }
  });
});

