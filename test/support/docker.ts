import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';

/** The local test image scripts/test-image.sh builds from Debian's busybox-static. */
export const TEST_IMAGE = 'berth-test/busybox:latest';

/**
 * Why the real-Docker tests cannot run here (no engine, no test image), or false when they can.
 * With BERTH_REQUIRE_DOCKER=1 (CI) a reason is an error instead of a skip.
 */
export async function dockerSkipReason(): Promise<string | false> {
  const runtime = new DockerRuntime();
  let reason: string | false = false;
  try {
    await runtime.info({ signal: AbortSignal.timeout(5_000) });
    if (!(await runtime.hasImage(TEST_IMAGE))) reason = `image ${TEST_IMAGE} is missing (run scripts/test-image.sh)`;
  } catch (error) {
    reason = `no Docker engine answers (${(error as Error).message}); run scripts/docker-setup.sh`;
  } finally {
    await runtime.close();
  }
  if (reason && process.env.BERTH_REQUIRE_DOCKER === '1') throw new Error(`BERTH_REQUIRE_DOCKER=1 but ${reason}`);
  return reason;
}

/** One HTTP/1.0 GET over a raw TCP socket; resolves to the status line. */
export function httpGet(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let data = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error(`GET ${host}:${port} timed out`)));
    socket.on('connect', () => socket.write('GET / HTTP/1.0\r\n\r\n'));
    socket.on('data', (chunk) => { data += chunk.toString(); });
    socket.on('error', reject);
    socket.on('end', () => resolve(data.split('\r\n')[0] ?? ''));
  });
}

/** Ids of the containers (running or not) that carry a task's ECS task-arn label. */
export function containersOfTask(task: { taskArn?: string | undefined }): string[] {
  const out = execFileSync('docker', ['ps', '-aq', '--filter', `label=com.amazonaws.ecs.task-arn=${task.taskArn}`]);
  return out.toString().trim().split('\n').filter(Boolean);
}
