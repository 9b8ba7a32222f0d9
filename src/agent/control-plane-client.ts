import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Attribute, Resource, VersionInfo } from '@aws-sdk/client-ecs';
import type { TaskAssignment, TaskReport } from '../domain/ecs/task-contract.js';

export interface ControlPlaneOptions {
  /** e.g. http://127.0.0.1:4566 */
  server: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** An answer the control plane gave with an error (its `__type`), as opposed to a network failure. */
export class ControlPlaneError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = code;
  }
}

/**
 * The agent's side of the agent channel (`/_berth/agent/v1/`): requests signed with SigV4 as an
 * AWS SDK would sign them, so the control plane checks agents with the same keys as everyone else.
 */
export class ControlPlaneClient {
  readonly #signer: SignatureV4;
  readonly #url: URL;

  constructor(options: ControlPlaneOptions) {
    this.#url = new URL(options.server);
    this.#signer = new SignatureV4({ credentials: options.credentials, region: options.region, service: 'ecs', sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
  }

  /** Long-polls the assignments of a container instance (by ARN) or of managed capacity (by id). */
  poll(instance: { containerInstanceArn: string } | { managedInstanceId: string }, knownVersion: number | undefined, signal: AbortSignal): Promise<{ version: number; assignments: TaskAssignment[] }> {
    return this.#call('poll', { ...instance, knownVersion }, signal) as Promise<{ version: number; assignments: TaskAssignment[] }>;
  }

  /** Registers this host as Berth-managed capacity for FARGATE tasks; returns its instance id. */
  async registerManaged(registration: { ec2InstanceId: string; registeredResources: Resource[]; versionInfo: VersionInfo; attributes: Attribute[] }, signal: AbortSignal): Promise<string> {
    const out = (await this.#call('register-managed', registration, signal)) as { managedInstanceId: string };
    return out.managedInstanceId;
  }

  async report(reports: TaskReport[], signal: AbortSignal): Promise<void> {
    await this.#call('reports', { reports }, signal);
  }

  async #call(operation: string, input: unknown, signal: AbortSignal): Promise<unknown> {
    const body = JSON.stringify(input);
    const path = `/_berth/agent/v1/${operation}`;
    const signed = await this.#signer.sign(new HttpRequest({
      method: 'POST', protocol: this.#url.protocol, hostname: this.#url.hostname, port: Number(this.#url.port) || undefined, path,
      headers: { host: this.#url.host, 'content-type': 'application/json' }, body,
    }));
    const { host: _host, ...headers } = signed.headers;
    const res = await fetch(new URL(path, this.#url), { method: 'POST', headers, body, signal });
    const answer = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new ControlPlaneError(String(answer.__type ?? res.status), String(answer.message ?? ''));
    return answer;
  }
}
