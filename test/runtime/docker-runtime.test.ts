/**
 * The conformance suite on a real Docker engine (integration). Skipped when no engine answers or
 * the test image is missing (`scripts/docker-setup.sh` provides both); BERTH_REQUIRE_DOCKER=1
 * turns the skip into a failure, for CI.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { runtimeConformance } from '../../src/runtime/container-runtime.case.js';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
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
});
