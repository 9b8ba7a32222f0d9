/**
 * Local `environmentFiles`: a path on the agent's host instead of an S3 ARN. The file format is
 * ECS's: one VARIABLE=VALUE per line, `#` comments and blank lines ignored, no quoting rules.
 */
import { readFile } from 'node:fs/promises';
import type { ContainerDefinition } from '@aws-sdk/client-ecs';

/** Parses one env file; a later line wins over an earlier one. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

/** Reads a container's local env files, in order (a later file wins). Rejects naming the file. */
export async function readEnvironmentFiles(container: ContainerDefinition, signal?: AbortSignal): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const file of container.environmentFiles ?? []) {
    if (!file.value) continue;
    let text: string;
    try {
      text = await readFile(file.value, { encoding: 'utf8', signal });
    } catch (error) {
      throw new Error(`cannot read environment file ${file.value}: ${(error as Error).message}`, { cause: error });
    }
    Object.assign(env, parseEnvFile(text));
  }
  return env;
}
