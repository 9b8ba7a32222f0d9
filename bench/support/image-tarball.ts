import { createHash, randomBytes } from 'node:crypto';

/**
 * A `docker save`-format tarball (manifest.json, config, one layer.tar per layer) of a FROM-scratch
 * image whose layers each hold one file of incompressible random bytes: `docker load` takes it with
 * no builder, no base image and no internet, and every call gives layers no registry has seen.
 */
export function randomImageTarball(tag: string, layerSizes: readonly number[]): Buffer {
  const layers = layerSizes.map((size, i) => tar([[`data/layer-${i}.bin`, randomBytes(size)]]));
  const diffIds = layers.map((l) => `sha256:${createHash('sha256').update(l).digest('hex')}`);
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', created: new Date().toISOString(),
    config: { Cmd: ['/data/layer-0.bin'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: layerSizes.map((size, i) => ({ created_by: `random layer ${i} (${size} bytes)` })),
  }));
  const configName = `${createHash('sha256').update(config).digest('hex')}.json`;
  const layerNames = diffIds.map((d) => `${d.slice('sha256:'.length)}/layer.tar`);
  const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: layerNames }]));
  return tar([[configName, config], ...layers.map((l, i): [string, Buffer] => [layerNames[i]!, l]), ['manifest.json', manifest]]);
}

/** A ustar archive of regular files (names under 100 bytes; parent directories implied). */
function tar(files: readonly [name: string, data: Buffer][]): Buffer {
  const parts: Buffer[] = [];
  for (const [name, data] of files) {
    parts.push(header(name, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

function header(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string) => h.write(value, offset, length, 'ascii');
  const octal = (offset: number, length: number, value: number) => field(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  if (Buffer.byteLength(name) >= 100) throw new Error(`tar name too long: ${name}`);
  field(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, Math.floor(Date.now() / 1000));
  field(148, 8, '        ');
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const b of h) sum += b;
  field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}
