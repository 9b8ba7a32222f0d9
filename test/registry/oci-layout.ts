/** OCI image layouts (image-layout spec) written by tests, so skopeo has images without the internet. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ustar } from '../support/ustar.js';
import { sha256 } from './registry-support.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const REF_NAME = 'org.opencontainers.image.ref.name';

export interface Blob { bytes: Buffer; digest: string }
export interface BuiltImage { manifest: Buffer; digest: string; config: Blob; layer: Blob }
export interface LayoutIndex { manifests: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[] }

/** An OCI image layout directory (image-layout spec): blobs by digest and an index.json of tagged refs. */
export class OciLayout {
  private readonly refs: LayoutIndex['manifests'] = [];
  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  }

  blob(data: Buffer | string): Blob {
    const bytes = Buffer.from(data);
    const digest = sha256(bytes);
    writeFileSync(join(this.dir, 'blobs', 'sha256', digest.slice(7)), bytes);
    return { bytes, digest };
  }

  /** A one-layer image of `files` for linux/`architecture`. */
  image(architecture: string, files: Record<string, string>, variant?: string): BuiltImage {
    const tar = makeTar(files);
    const layer = this.blob(gzipSync(tar));
    const config = this.blob(JSON.stringify({
      architecture, os: 'linux', ...(variant ? { variant } : {}),
      config: { Cmd: ['/bin/tool'] },
      rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
    }));
    const manifest = this.blob(JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: config.digest, size: config.bytes.length },
      layers: [{ mediaType: OCI_LAYER, digest: layer.digest, size: layer.bytes.length }],
    }));
    return { manifest: manifest.bytes, digest: manifest.digest, config, layer };
  }

  tag(name: string, mediaType: string, digest: string, size: number): void {
    this.refs.push({ mediaType, digest, size, annotations: { [REF_NAME]: name } });
  }

  writeIndex(): void {
    writeFileSync(join(this.dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: this.refs }));
  }
}

export const readLayoutIndex = (dir: string) => JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as LayoutIndex;
export const readBlob = (dir: string, digest: string) => readFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)));

/** A ustar archive of text files. */
export const makeTar = (files: Record<string, string>): Buffer => ustar(Object.entries(files).map(([name, text]) => [name, Buffer.from(text)] as const));

/** The regular files of a ustar archive, name to content. */
export function untar(tar: Buffer): Record<string, string> {
  const files: Record<string, string> = {};
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const text = (start: number, length: number) => header.subarray(start, start + length).toString('ascii').replace(/\0.*$/s, '');
    const size = parseInt(text(124, 12).trim() || '0', 8);
    const type = text(156, 1);
    const prefix = text(345, 155);
    const name = (prefix ? `${prefix}/` : '') + text(0, 100);
    if (type === '0' || type === '') files[name.replace(/^\.\//, '')] = tar.subarray(offset + 512, offset + 512 + size).toString();
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
