/**
 * The image of every sandbox's pause container, made on this engine from bytes in our own code
 * (nothing is pulled from the internet). Bump the tag whenever the program or the tarball changes,
 * so an engine holding an older build gets the new one.
 */
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { buildPauseProgram } from '../runtime/pause-program.js';
import { buildSingleFileTar } from '../runtime/rootfs-tar.js';

export const PAUSE_IMAGE = 'berth/pause:1';
export const PAUSE_ENTRYPOINT = ['/pause'];

/** Imports the pause image for the engine's architecture unless it is there already. */
export async function ensurePauseImage(runtime: ContainerRuntime, signal: AbortSignal): Promise<string> {
  if (await runtime.hasImage(PAUSE_IMAGE, { signal })) return PAUSE_IMAGE;
  const { architecture } = await runtime.info({ signal });
  const tar = buildSingleFileTar({ name: 'pause', data: buildPauseProgram(architecture), mode: 0o755 });
  await runtime.importImage(PAUSE_IMAGE, tar, { signal });
  return PAUSE_IMAGE;
}

/** `ensurePauseImage` once per engine: later callers share the first call; a failure is tried again next time. */
export function pauseImageOnce(runtime: ContainerRuntime, signal: AbortSignal): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= ensurePauseImage(runtime, signal).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
