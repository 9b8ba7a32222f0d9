import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Scope } from '../domain/arn.js';
import type { Clock } from '../kit/clock.js';
import type { ImagePush } from '../services/ecr/image-push.js';
import type { ImageService } from '../services/ecr/image-service.js';
import type { RegistryTokens } from '../services/ecr/registry-token.js';
import type { RepositoryService } from '../services/ecr/repository-service.js';
import type { Stores } from '../store/stores.js';
import type { BlobFiles } from './blob-files.js';
import { API_VERSION_HEADER } from './oci-errors.js';
import type { UploadSessions } from './upload-sessions.js';

/** What the registry's handlers work with. */
export interface RegistryDeps {
  accountId: string;
  stores: Stores;
  files: BlobFiles;
  uploads: UploadSessions;
  repositories: RepositoryService;
  images: ImageService;
  push: ImagePush;
  tokens: RegistryTokens;
  clock: Clock;
  /** `host:port` clients reach the registry at (for the auth realm). */
  registryHost: () => string;
}

/** One authenticated registry request. */
export interface RegistryExchange {
  req: IncomingMessage;
  res: ServerResponse;
  scope: Scope;
  query: URLSearchParams;
}

/** Answers with `status`, the registry's version header, the given headers and an optional body. */
export function reply(res: ServerResponse, status: number, headers: Record<string, string>, body?: string | Buffer): void {
  res.writeHead(status, { ...API_VERSION_HEADER, 'content-length': String(body === undefined ? 0 : Buffer.byteLength(body)), ...headers });
  res.end(body);
}

/** The length the upload holds, as the Range header states it (`0-0` for nothing yet, as distribution does). */
export const uploadRange = (size: number) => `0-${Math.max(size - 1, 0)}`;
