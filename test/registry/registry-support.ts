import { createHash } from 'node:crypto';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import type { BerthProcess } from '../support/berth-process.js';

export const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

export function ecrClient(berth: BerthProcess, region = 'us-east-1'): ECRClient {
  return new ECRClient({ endpoint: berth.url, region, credentials: { accessKeyId: berth.accessKeyId, secretAccessKey: berth.secretAccessKey }, maxAttempts: 1 });
}

/** The Basic credentials GetAuthorizationToken hands out, as an Authorization header value. */
export async function registryAuth(berth: BerthProcess, region?: string): Promise<string> {
  const out = await ecrClient(berth, region).send(new GetAuthorizationTokenCommand({}));
  return `Basic ${out.authorizationData![0]!.authorizationToken!}`;
}

export async function createRepository(berth: BerthProcess, name: string, extra: Record<string, unknown> = {}): Promise<void> {
  await ecrClient(berth).send(new CreateRepositoryCommand({ repositoryName: name, ...extra }));
}

/** A small registry client over fetch, to reach every path and error docker never shows. */
export class RawRegistry {
  constructor(readonly url: string, readonly auth: string | undefined) {}

  fetch(path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
    const headers = { ...(this.auth ? { authorization: this.auth } : {}), ...init.headers };
    return fetch(new URL(path, this.url), { ...init, headers, ...(init.body ? { duplex: 'half' } : {}) } as RequestInit);
  }

  async errorCode(res: Response): Promise<string | undefined> {
    const body = await res.json() as { errors?: { code: string }[] };
    return body.errors?.[0]?.code;
  }

  /** Monolithic upload: POST ?digest= with the bytes. */
  async pushBlob(name: string, data: Buffer | string): Promise<string> {
    const digest = sha256(data);
    const res = await this.fetch(`/v2/${name}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: typeof data === 'string' ? data : new Uint8Array(data), headers: { 'content-type': 'application/octet-stream' } });
    if (res.status !== 201) throw new Error(`blob push ${res.status}: ${await res.text()}`);
    return digest;
  }

  async putManifest(name: string, reference: string, manifest: string, mediaType: string): Promise<Response> {
    return this.fetch(`/v2/${name}/manifests/${reference}`, { method: 'PUT', body: manifest, headers: { 'content-type': mediaType } });
  }

  /** Pushes a config and a layer and an image manifest naming them; resolves to the manifest and its digest. */
  async pushImage(name: string, tag: string, seed: string, mediaType = 'application/vnd.oci.image.manifest.v1+json') {
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', seed });
    const layer = Buffer.from(`layer of ${seed}`);
    const configDigest = await this.pushBlob(name, config);
    const layerDigest = await this.pushBlob(name, layer);
    const oci = mediaType.includes('oci');
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: { mediaType: oci ? 'application/vnd.oci.image.config.v1+json' : 'application/vnd.docker.container.image.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: oci ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: layerDigest, size: layer.length }],
    });
    const res = await this.putManifest(name, tag, manifest, mediaType);
    if (res.status !== 201) throw new Error(`manifest push ${res.status}: ${await res.text()}`);
    return { manifest, digest: sha256(manifest), layerDigest, configDigest, layerSize: layer.length };
  }
}
