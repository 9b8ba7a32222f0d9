/**
 * skopeo (containers/image, the client of podman, buildah and CRI-O) against a real `bin/berth`:
 * copies to, from and within the registry, an OCI image index with `--all`, inspect, list-tags and
 * delete. The images are OCI layouts the test writes itself, so nothing comes from the internet.
 * Skipped when skopeo is not installed (`scripts/test-deps.sh` installs Debian's); with
 * BERTH_REQUIRE_DOCKER=1 (CI), where the real clients must run, that is an error instead.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { BatchGetImageCommand, DescribeImagesCommand, type ImageDetail } from '@aws-sdk/client-ecr';
import { type BerthProcess, removeDataDir, startBerthProcess } from '../support/berth-process.js';
import { dockerSkipReason, TEST_IMAGE } from '../support/docker.js';
import {
  type BuiltImage, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST, OciLayout, readBlob, readLayoutIndex, REF_NAME, untar,
} from './oci-layout.js';
import { createRepository, ecrClient, RawRegistry, registryAuth } from './registry-support.js';


const skip = skopeoSkipReason();

describe('skopeo copies to, from and within the registry', { skip }, () => {
  let berth: BerthProcess;
  let host: string;
  let password: string;
  let raw: RawRegistry;
  const work = mkdtempSync(join(tmpdir(), 'berth-skopeo-'));
  // An auth file of its own: logins here touch no one else's.
  const authFile = join(work, 'auth.json');
  const layout = join(work, 'layout');
  let single: BuiltImage;
  let amd64: BuiltImage;
  let arm64: BuiltImage;
  let index: { bytes: Buffer; digest: string };

  const skopeo = (args: string[], input?: string) => run('skopeo', ['--insecure-policy', ...args], { REGISTRY_AUTH_FILE: authFile }, input);
  const ok = async (args: string[], input?: string) => {
    const out = await skopeo(args, input);
    assert.equal(out.status, 0, `skopeo ${args.join(' ')} exited ${out.status}:\n${out.stdout}${out.stderr}`);
    return out;
  };
  const ref = (path: string) => `docker://${host}/${path}`;
  const describeImages = async (repositoryName: string): Promise<ImageDetail[]> =>
    (await ecrClient(berth).send(new DescribeImagesCommand({ repositoryName }))).imageDetails ?? [];
  const detailOf = (details: ImageDetail[], digest: string) => {
    const found = details.find((d) => d.imageDigest === digest);
    assert.ok(found, `DescribeImages lists ${digest}: ${JSON.stringify(details)}`);
    return found;
  };

  before(async () => {
    berth = await startBerthProcess({ args: ['--no-agent'] });
    host = new URL(berth.url).host;
    const auth = await registryAuth(berth);
    raw = new RawRegistry(berth.url, auth);
    password = Buffer.from(auth.slice('Basic '.length), 'base64').toString().slice('AWS:'.length);
    for (const name of ['skopeo/app', 'skopeo/multi', 'skopeo/mirror', 'skopeo/archive']) await createRepository(berth, name);

    const oci = new OciLayout(layout);
    single = oci.image('amd64', { 'etc/greeting': 'hello from skopeo\n', 'bin/tool': 'single tool' });
    amd64 = oci.image('amd64', { 'etc/arch': 'amd64\n' });
    arm64 = oci.image('arm64', { 'etc/arch': 'arm64\n' }, 'v8');
    index = oci.blob(JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { mediaType: OCI_MANIFEST, digest: amd64.digest, size: amd64.manifest.length, platform: { architecture: 'amd64', os: 'linux' } },
        { mediaType: OCI_MANIFEST, digest: arm64.digest, size: arm64.manifest.length, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
      ],
      annotations: { 'org.opencontainers.image.description': 'two platforms' },
    }));
    oci.tag('v1', OCI_MANIFEST, single.digest, single.manifest.length);
    oci.tag('multi', OCI_INDEX, index.digest, index.bytes.length);
    oci.writeIndex();
  });
  after(async () => {
    await berth?.stop();
    if (berth) removeDataDir(berth.dataDir);
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses a copy without credentials', async () => {
    const out = await skopeo(['copy', '--dest-tls-verify=false', `oci:${layout}:v1`, ref('skopeo/app:v1')]);
    assert.notEqual(out.status, 0, out.stdout);
    assert.match(out.stderr, /unauthorized|authentication required/i);
    assert.equal((await raw.fetch('/v2/skopeo/app/manifests/v1')).status, 404, 'nothing was pushed');
  });

  it('copies an OCI image in with --dest-creds, bytes and digest kept', async () => {
    await ok(['copy', '--dest-creds', `AWS:${password}`, '--dest-tls-verify=false', `oci:${layout}:v1`, ref('skopeo/app:v1')]);
    const res = await raw.fetch('/v2/skopeo/app/manifests/v1', { headers: { accept: OCI_MANIFEST } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), OCI_MANIFEST);
    assert.equal(res.headers.get('docker-content-digest'), single.digest);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), single.manifest);
    const layer = await raw.fetch(`/v2/skopeo/app/blobs/${single.layer.digest}`);
    assert.equal(layer.status, 200);
    assert.deepEqual(Buffer.from(await layer.arrayBuffer()), single.layer.bytes);

    const detail = detailOf(await describeImages('skopeo/app'), single.digest);
    assert.deepEqual(detail.imageTags, ['v1']);
    assert.equal(detail.imageManifestMediaType, OCI_MANIFEST);
    assert.equal(detail.imageSizeInBytes, single.layer.bytes.length);
  });

  it('logs in with `skopeo login --password-stdin`', async () => {
    const out = await ok(['login', '--tls-verify=false', '--username', 'AWS', '--password-stdin', host], password);
    assert.match(out.stdout, /Login Succeeded/);
    const saved = JSON.parse(readFileSync(authFile, 'utf8')) as { auths: Record<string, { auth: string }> };
    assert.equal(Buffer.from(saved.auths[host]!.auth, 'base64').toString(), `AWS:${password}`);
  });

  it('copies the image back out to an OCI layout with the same digests and layer contents', async () => {
    const out = join(work, 'out-single');
    await ok(['copy', '--src-tls-verify=false', ref('skopeo/app:v1'), `oci:${out}:v1`]);
    const copied = readLayoutIndex(out);
    assert.equal(copied.manifests.length, 1);
    assert.equal(copied.manifests[0]!.digest, single.digest);
    assert.equal(copied.manifests[0]!.mediaType, OCI_MANIFEST);
    assert.equal(copied.manifests[0]!.annotations?.[REF_NAME], 'v1');
    assert.deepEqual(readBlob(out, single.digest), single.manifest);
    assert.deepEqual(readBlob(out, single.config.digest), single.config.bytes);
    const layer = readBlob(out, single.layer.digest);
    assert.deepEqual(layer, single.layer.bytes);
    assert.deepEqual(untar(gunzipSync(layer)), { 'etc/greeting': 'hello from skopeo\n', 'bin/tool': 'single tool' });
  });

  it('copies within a repository to a second tag, and `skopeo inspect` shows the tags', async () => {
    const copy = await ok(['--debug', 'copy', '--src-tls-verify=false', '--dest-tls-verify=false', ref('skopeo/app:v1'), ref('skopeo/app:v2')]);
    assert.match(copy.stderr, new RegExp(`HEAD \\S+/v2/skopeo/app/blobs/${single.layer.digest}"\\s+\\S+ level=debug msg="\\.\\.\\. already exists`), 'HEAD finds the layer');
    assert.doesNotMatch(copy.stderr, /POST \S+\/blobs\/uploads\//, 'the blobs are in the repository already: nothing is uploaded');
    const inspect = JSON.parse((await ok(['inspect', '--tls-verify=false', ref('skopeo/app:v2')])).stdout) as Inspected;
    assert.equal(inspect.Digest, single.digest);
    assert.deepEqual([...inspect.RepoTags].sort(), ['v1', 'v2']);
    assert.equal(inspect.Architecture, 'amd64');
    assert.equal(inspect.Os, 'linux');
    assert.deepEqual(inspect.Layers, [single.layer.digest]);
    const manifest = await ok(['inspect', '--tls-verify=false', '--raw', ref('skopeo/app:v1')]);
    assert.equal(manifest.stdout, single.manifest.toString());
    const config = await ok(['inspect', '--tls-verify=false', '--config', '--raw', ref('skopeo/app:v1')]);
    assert.equal(config.stdout, single.config.bytes.toString());
  });

  it('lists the tags with `skopeo list-tags`', async () => {
    const out = JSON.parse((await ok(['list-tags', '--tls-verify=false', ref('skopeo/app')])).stdout) as { Repository: string; Tags: string[] };
    assert.equal(out.Repository, `${host}/skopeo/app`);
    assert.deepEqual(out.Tags, ['v1', 'v2']);
  });

  it('copies an OCI image index with --all, keeping its media type and digest exactly', async () => {
    await ok(['copy', '--all', '--dest-tls-verify=false', `oci:${layout}:multi`, ref('skopeo/multi:multi')]);
    const res = await raw.fetch('/v2/skopeo/multi/manifests/multi', { headers: { accept: `${OCI_INDEX}, ${OCI_MANIFEST}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), OCI_INDEX);
    assert.equal(res.headers.get('docker-content-digest'), index.digest);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), index.bytes);
    for (const child of [amd64, arm64]) {
      const got = await raw.fetch(`/v2/skopeo/multi/manifests/${child.digest}`, { headers: { accept: OCI_MANIFEST } });
      assert.equal(got.status, 200, `child ${child.digest}`);
      assert.equal(got.headers.get('content-type'), OCI_MANIFEST);
      assert.deepEqual(Buffer.from(await got.arrayBuffer()), child.manifest);
      assert.equal((await raw.fetch(`/v2/skopeo/multi/blobs/${child.layer.digest}`, { method: 'HEAD' })).status, 200, `layer of ${child.digest}`);
    }

    const arm = JSON.parse((await ok(['--override-arch', 'arm64', '--override-variant', 'v8', 'inspect', '--tls-verify=false', ref('skopeo/multi:multi')])).stdout) as Inspected;
    assert.equal(arm.Architecture, 'arm64');
    assert.deepEqual(arm.Layers, [arm64.layer.digest]);
    assert.equal((await ok(['inspect', '--tls-verify=false', '--raw', ref('skopeo/multi:multi')])).stdout, index.bytes.toString());
  });

  it('shows the index through the ECR API with its imageManifestMediaType', async () => {
    const details = await describeImages('skopeo/multi');
    assert.equal(details.length, 3, JSON.stringify(details));
    const top = detailOf(details, index.digest);
    assert.deepEqual(top.imageTags, ['multi']);
    assert.equal(top.imageManifestMediaType, OCI_INDEX);
    for (const child of [amd64, arm64]) {
      const d = detailOf(details, child.digest);
      assert.equal(d.imageManifestMediaType, OCI_MANIFEST);
      assert.equal(d.imageTags, undefined);
    }
    const got = await ecrClient(berth).send(new BatchGetImageCommand({
      repositoryName: 'skopeo/multi',
      imageIds: [{ imageTag: 'multi' }, { imageDigest: arm64.digest }],
      acceptedMediaTypes: [OCI_INDEX, OCI_MANIFEST],
    }));
    assert.deepEqual(got.failures, []);
    const byDigest = new Map(got.images?.map((i) => [i.imageId?.imageDigest, i]));
    assert.equal(byDigest.get(index.digest)?.imageManifest, index.bytes.toString());
    assert.equal(byDigest.get(index.digest)?.imageManifestMediaType, OCI_INDEX);
    assert.equal(byDigest.get(arm64.digest)?.imageManifest, arm64.manifest.toString());
  });

  it('copies the index back out with --all to an OCI layout, digests kept', async () => {
    const out = join(work, 'out-multi');
    await ok(['copy', '--all', '--src-tls-verify=false', ref('skopeo/multi:multi'), `oci:${out}:multi`]);
    const copied = readLayoutIndex(out);
    assert.equal(copied.manifests.length, 1);
    assert.equal(copied.manifests[0]!.digest, index.digest);
    assert.equal(copied.manifests[0]!.mediaType, OCI_INDEX);
    assert.deepEqual(readBlob(out, index.digest), index.bytes);
    for (const [child, arch] of [[amd64, 'amd64'], [arm64, 'arm64']] as const) {
      assert.deepEqual(readBlob(out, child.digest), child.manifest);
      assert.deepEqual(readBlob(out, child.config.digest), child.config.bytes);
      assert.deepEqual(untar(gunzipSync(readBlob(out, child.layer.digest))), { 'etc/arch': `${arch}\n` });
    }
  });

  it('copies between two repositories of Berth by mounting the blobs', async () => {
    const out = await ok(['--debug', 'copy', '--all', '--src-tls-verify=false', '--dest-tls-verify=false', ref('skopeo/multi:multi'), ref('skopeo/mirror:multi')]);
    // containers/image mounts the layers it knows to be in another repository of the same
    // registry (its blob info cache); configs it always copies.
    for (const child of [amd64, arm64]) {
      const hex = child.layer.digest.slice('sha256:'.length);
      assert.match(out.stderr, new RegExp(`POST \\S+/v2/skopeo/mirror/blobs/uploads/\\?from=skopeo%2Fmulti&mount=sha256%3A${hex}"\\s+\\S+ level=debug msg="\\.\\.\\. mount OK`), `layer ${hex} mounted from skopeo/multi`);
      assert.doesNotMatch(out.stderr, new RegExp(`PUT \\S+\\?digest=sha256%3A${hex}`), `layer ${hex} not uploaded`);
    }
    const res = await raw.fetch('/v2/skopeo/mirror/manifests/multi', { headers: { accept: OCI_INDEX } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('docker-content-digest'), index.digest);
    assert.equal(res.headers.get('content-type'), OCI_INDEX);
    for (const child of [amd64, arm64]) {
      for (const blob of [child.config, child.layer]) {
        const head = await raw.fetch(`/v2/skopeo/mirror/blobs/${blob.digest}`, { method: 'HEAD' });
        assert.equal(head.status, 200, `blob ${blob.digest} in skopeo/mirror`);
        assert.equal(head.headers.get('content-length'), String(blob.bytes.length));
      }
    }
    const details = await describeImages('skopeo/mirror');
    assert.equal(detailOf(details, index.digest).imageManifestMediaType, OCI_INDEX);
    assert.deepEqual(detailOf(details, index.digest).imageTags, ['multi']);
  });

  it('deletes by digest and by tag with `skopeo delete`', async () => {
    // A platform manifest the index still names stays.
    const refused = await skopeo(['delete', '--tls-verify=false', ref(`skopeo/mirror@${amd64.digest}`)]);
    assert.notEqual(refused.status, 0, refused.stdout);
    assert.match(refused.stderr, /denied|referenced/i);
    assert.equal((await raw.fetch(`/v2/skopeo/mirror/manifests/${amd64.digest}`, { method: 'HEAD' })).status, 200);

    // By tag: skopeo resolves the tag and deletes the manifest it names.
    await ok(['delete', '--tls-verify=false', ref('skopeo/mirror:multi')]);
    assert.equal((await raw.fetch(`/v2/skopeo/mirror/manifests/${index.digest}`, { method: 'HEAD' })).status, 404);
    const tags = JSON.parse((await ok(['list-tags', '--tls-verify=false', ref('skopeo/mirror')])).stdout) as { Tags: string[] };
    assert.deepEqual(tags.Tags, []);

    // With the index gone its children go by digest.
    await ok(['delete', '--tls-verify=false', ref(`skopeo/mirror@${amd64.digest}`)]);
    assert.equal((await raw.fetch(`/v2/skopeo/mirror/manifests/${amd64.digest}`, { method: 'HEAD' })).status, 404);
    assert.deepEqual((await describeImages('skopeo/mirror')).map((d) => d.imageDigest), [arm64.digest]);

    const missing = await skopeo(['delete', '--tls-verify=false', ref('skopeo/mirror:multi')]);
    assert.notEqual(missing.status, 0, missing.stdout);
    assert.match(missing.stderr, /Image may not exist|manifest unknown/i);
    // The copy it was mounted from is untouched.
    assert.equal((await raw.fetch('/v2/skopeo/multi/manifests/multi', { method: 'HEAD' })).status, 200);
  });

  it('copies an image `docker save` wrote (docker-archive:) in, and docker reads it back', async (t) => {
    const reason = await dockerSkipReason();
    if (reason) return void t.skip(reason);
    const archive = join(work, 'busybox.tar');
    const saved = await run('docker', ['save', '-o', archive, TEST_IMAGE]);
    assert.equal(saved.status, 0, saved.stderr);
    await ok(['copy', '--dest-tls-verify=false', `docker-archive:${archive}`, ref('skopeo/archive:busybox')]);
    const inspect = JSON.parse((await ok(['inspect', '--tls-verify=false', ref('skopeo/archive:busybox')])).stdout) as Inspected;
    const detail = detailOf(await describeImages('skopeo/archive'), inspect.Digest);
    assert.deepEqual(detail.imageTags, ['busybox']);
    assert.equal(detail.imageManifestMediaType, DOCKER_MANIFEST);
    const manifest = JSON.parse((await ok(['inspect', '--tls-verify=false', '--raw', ref('skopeo/archive:busybox')])).stdout) as { layers: { digest: string }[] };
    assert.deepEqual(inspect.Layers, manifest.layers.map((l) => l.digest));
    // The same image, out again as an archive docker loads.
    const back = join(work, 'busybox-back.tar');
    const loadName = `${host}/skopeo/archive:busybox`;
    await ok(['copy', '--src-tls-verify=false', ref('skopeo/archive:busybox'), `docker-archive:${back}:${loadName}`]);
    const loaded = await run('docker', ['load', '-i', back]);
    assert.equal(loaded.status, 0, loaded.stderr);
    try {
      const echo = await run('docker', ['run', '--rm', loadName, 'echo', 'copied by skopeo']);
      assert.equal(echo.status, 0, echo.stderr);
      assert.equal(echo.stdout.trim(), 'copied by skopeo');
    } finally {
      await run('docker', ['rmi', '-f', loadName]);
    }
  });
});

interface Inspected { Digest: string; RepoTags: string[]; Architecture: string; Os: string; Layers: string[] }

/** Runs a command to its end without blocking the event loop (Berth's own output keeps draining). */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'], timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Why the skopeo tests cannot run here, or false when they can; with BERTH_REQUIRE_DOCKER=1 (CI) a reason is an error. */
function skopeoSkipReason(): string | false {
  const probe = spawnSync('skopeo', ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const reason = probe.status === 0 ? false : 'skopeo is not installed (run scripts/test-deps.sh as root on Debian)';
  if (reason && process.env.BERTH_REQUIRE_DOCKER === '1') throw new Error(`BERTH_REQUIRE_DOCKER=1 but ${reason}`);
  return reason;
}
