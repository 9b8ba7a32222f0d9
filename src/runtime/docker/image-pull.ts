/**
 * `POST /images/create`: the engine answers 200 at once and reports failures as an `error` line
 * in the progress stream, so the pull has succeeded only when the stream ends without one.
 * Failures before the stream starts come back as a plain HTTP error instead.
 */
import type { RegistryAuth } from '../container-runtime.js';
import { ImageNotFoundError, ImagePullError } from '../runtime-errors.js';
import { parseImageRef } from '../image-ref.js';
import type { DockerClient } from './client.js';
import { jsonLines, readText } from './json-lines.js';
import { TIMEOUTS } from './timeouts.js';

// What engines and registries say when the image is not there. Docker Hub answers "pull access
// denied ... repository does not exist" for a missing repository, which belongs here too.
const NOT_FOUND = /manifest unknown|not found|repository does not exist|name unknown|no such image/i;
const DENIED = /unauthorized|authentication required|denied|forbidden/i;

/** An engine failure message for a pull, as a port error. */
export function classifyPullFailure(ref: string, status: number, message: string): ImageNotFoundError | ImagePullError {
  if (status === 404 || NOT_FOUND.test(message)) return new ImageNotFoundError(ref, message);
  if (status === 401 || status === 403 || DENIED.test(message)) return new ImagePullError(ref, message, false);
  return new ImagePullError(ref, message || `engine answered ${status}`, true);
}

interface PullProgressLine {
  error?: string;
  errorDetail?: { message?: string };
}

export async function pullImage(client: DockerClient, ref: string, auth: RegistryAuth | undefined, signal?: AbortSignal): Promise<void> {
  const headers: Record<string, string> = {};
  if (auth) headers['x-registry-auth'] = Buffer.from(JSON.stringify(auth)).toString('base64url');
  const stream = await client.stream('pull', TIMEOUTS.pull, {
    method: 'POST', path: '/images/create', query: parseImageRef(ref), headers, signal,
  });
  if (stream.status !== 200) {
    const text = await readText(stream.body);
    let message = text.trim();
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // Not JSON: keep the text.
    }
    throw classifyPullFailure(ref, stream.status, message);
  }
  try {
    for await (const line of jsonLines(stream.body)) {
      const progress = line as PullProgressLine;
      if (progress.error !== undefined) throw classifyPullFailure(ref, 200, progress.errorDetail?.message ?? progress.error);
    }
  } finally {
    stream.close();
  }
}
