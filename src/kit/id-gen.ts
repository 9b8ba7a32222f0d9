import { randomBytes, randomUUID } from 'node:crypto';

/** Where identifiers come from; injected so that tests and the scheduler can be deterministic. */
export interface IdGen {
  /** A random UUID (v4), as ECS uses for request ids and attachment ids. */
  uuid(): string;
  /** `bytes` random bytes as lowercase hex (ECS task ids are 16 bytes: 32 hex characters). */
  hex(bytes: number): string;
}

export const randomIdGen: IdGen = {
  uuid: () => randomUUID(),
  hex: (bytes) => randomBytes(bytes).toString('hex'),
};
