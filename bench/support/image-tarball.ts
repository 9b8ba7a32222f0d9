import { createHash, randomBytes } from 'node:crypto';
import { ustar } from '../../test/support/ustar.js';

/**
 * A `docker save`-format tarball (manifest.json, config, one layer.tar per layer) of a FROM-scratch
 * image whose layers each hold one file of incompressible random bytes: `docker load` takes it with
 * no builder, no base image and no internet, and every call gives layers no registry has seen.
 */
export function randomImageTarball(tag: string, layerSizes: readonly number[]): Buffer {
  const layers = layerSizes.map((size, i) => ustar([[`data/layer-${i}.bin`, randomBytes(size)]]));
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
  return ustar([[configName, config], ...layers.map((l, i): [string, Buffer] => [layerNames[i]!, l]), ['manifest.json', manifest]]);
}
