import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeImagesCommand, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { dockerSkipReason, TEST_IMAGE } from '../support/docker.js';
import { createRepository, ecrClient } from './registry-support.js';

const skip = await dockerSkipReason();

describe('docker push and pull through the registry', { skip }, () => {
  let berth: BerthProcess;
  let registry: string;
  // A docker config of its own: logins here touch no one else's.
  const dockerConfig = mkdtempSync(join(tmpdir(), 'berth-docker-config-'));
  const pushed: string[] = [];
  const docker = (args: string[], input?: string) => {
    const out = spawnSync('docker', args, { env: { ...process.env, DOCKER_CONFIG: dockerConfig }, input, encoding: 'utf8', timeout: 120_000 });
    return { status: out.status, output: `${out.stdout}${out.stderr}` };
  };
  const ok = (args: string[], input?: string) => {
    const out = docker(args, input);
    assert.equal(out.status, 0, `docker ${args.join(' ')}:\n${out.output}`);
    return out.output;
  };

  before(async () => {
    berth = await startBerthProcess({ args: ['--no-agent'] });
    registry = new URL(berth.url).host;
    await createRepository(berth, 'docker/busybox');
    await createRepository(berth, 'copy');
  });
  after(async () => {
    for (const image of pushed) docker(['rmi', '-f', image]);
    await berth.stop();
    removeDataDir(berth.dataDir);
    rmSync(dockerConfig, { recursive: true, force: true });
  });

  it('refuses a push before docker login', () => {
    const image = `${registry}/docker/busybox:nologin`;
    ok(['tag', TEST_IMAGE, image]);
    pushed.push(image);
    const out = docker(['push', image]);
    assert.notEqual(out.status, 0);
    assert.match(out.output, /no basic auth credentials|unauthorized|authentication required/i);
  });

  it('logs in with `aws ecr get-login-password | docker login`', async () => {
    const password = awsCliPassword(berth) ?? await sdkPassword(berth);
    assert.match(ok(['login', '--username', 'AWS', '--password-stdin', registry], password), /Login Succeeded/);
  });

  it('pushes, removes, pulls back and runs an image', async () => {
    const image = `${registry}/docker/busybox:v1`;
    ok(['tag', TEST_IMAGE, image]);
    pushed.push(image);
    const push = ok(['push', image]);
    const digest = /digest: (sha256:[a-f0-9]{64})/.exec(push)?.[1];
    assert.ok(digest, push);
    const { imageDetails } = await ecrClient(berth).send(new DescribeImagesCommand({ repositoryName: 'docker/busybox' }));
    assert.equal(imageDetails?.[0]?.imageDigest, digest);
    assert.deepEqual(imageDetails?.[0]?.imageTags, ['v1']);
    assert.equal(imageDetails?.[0]?.imageManifestMediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.ok((imageDetails?.[0]?.imageSizeInBytes ?? 0) > 100_000);

    ok(['rmi', image]);
    assert.match(ok(['pull', image]), new RegExp(digest.replace(':', ':')));
    assert.equal(ok(['run', '--rm', image, 'echo', 'pulled from berth']).trim(), 'pulled from berth');
  });

  it('pushes the same layers to a second repository by mounting them', () => {
    const image = `${registry}/copy:v1`;
    ok(['tag', TEST_IMAGE, image]);
    pushed.push(image);
    assert.match(ok(['push', image]), /Mounted from docker\/busybox|Layer already exists/);
  });

  it('fails a push to a repository CreateRepository never made', () => {
    const image = `${registry}/not/created:v1`;
    ok(['tag', TEST_IMAGE, image]);
    pushed.push(image);
    const out = docker(['push', image]);
    assert.notEqual(out.status, 0);
    assert.match(out.output, /name unknown|does not exist/i);
  });
});

/** The password from the real AWS CLI, when one is installed. */
function awsCliPassword(berth: BerthProcess): string | undefined {
  const { AWS_PROFILE: _profile, AWS_SESSION_TOKEN: _session, ...env } = process.env;
  try {
    return execFileSync('aws', ['ecr', 'get-login-password', '--endpoint-url', berth.url, '--region', 'us-east-1'], {
      env: { ...env, AWS_ACCESS_KEY_ID: berth.accessKeyId, AWS_SECRET_ACCESS_KEY: berth.secretAccessKey },
      encoding: 'utf8',
      timeout: 30_000,
    }).trim();
  } catch {
    return undefined;
  }
}

async function sdkPassword(berth: BerthProcess): Promise<string> {
  const out = await ecrClient(berth).send(new GetAuthorizationTokenCommand({}));
  return Buffer.from(out.authorizationData![0]!.authorizationToken!, 'base64').toString().slice('AWS:'.length);
}
