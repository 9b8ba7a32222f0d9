/**
 * `POST /images/create?fromSrc=-` (what `docker import -` does): a rootfs tarball in the body
 * becomes a one-layer image under `ref`. Like a pull, the engine answers 200 and reports a failure
 * as an `error` line in the progress stream, so it has succeeded only when the stream ends without one.
 */
import { parseImageRef } from '../image-ref.js';
import { RuntimeApiError } from '../runtime-errors.js';
import type { DockerClient } from './client.js';
import { jsonLines, readText } from './json-lines.js';
import { TIMEOUTS } from './timeouts.js';

export async function importImage(client: DockerClient, ref: string, rootfsTar: Uint8Array, signal?: AbortSignal): Promise<void> {
  const { fromImage, tag } = parseImageRef(ref);
  const stream = await client.stream('import', TIMEOUTS.import, {
    method: 'POST', path: '/images/create', query: { fromSrc: '-', repo: fromImage, tag },
    headers: { 'content-type': 'application/x-tar' }, body: rootfsTar, signal,
  });
  if (stream.status !== 200) throw new RuntimeApiError('import', stream.status, (await readText(stream.body)).trim());
  try {
    for await (const line of jsonLines(stream.body)) {
      const progress = line as { error?: string; errorDetail?: { message?: string } };
      if (progress.error !== undefined) throw new RuntimeApiError('import', 200, progress.errorDetail?.message ?? progress.error);
    }
  } finally {
    stream.close();
  }
}
