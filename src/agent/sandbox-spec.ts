/**
 * The pause container of an awsvpc task's sandbox: it alone is attached to the task's network, and
 * the task's containers join its network namespace (`container:<id>`), so they share one address
 * and reach each other on localhost, as on ECS (and, as there, not by container name). Docker refuses DNS, extra hosts and network
 * sysctls on a container that joins another's namespace, so the task's go on the pause container.
 * Pure.
 */
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import type { ContainerSpec, ExtraHost } from '../runtime/container-runtime.js';
import { PAUSE_ENTRYPOINT } from './pause-image.js';
import { SANDBOX_LABELS, SANDBOX_ROLE, STOP_TIMEOUT_LABEL } from './labels.js';

/** A sandbox's pause container, as listed. */
export const isSandboxContainer = (c: { readonly labels: Readonly<Record<string, string>> }): boolean => c.labels[SANDBOX_LABELS.role] === SANDBOX_ROLE;

/** Kernel parameters that belong to the network namespace (the sandbox's, not one container's). */
export const isNetworkSysctl = (name: string): boolean => name.startsWith('net.');

/** The labels of a pause container: ours, its role and network, and a stop that SIGKILLs at once. */
export function computeSandboxLabels(agentLabels: Readonly<Record<string, string>>, network: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  // The pause program ignores SIGTERM (PID 1 without a handler), so waiting for it is pointless.
  return { ...agentLabels, ...extra, [SANDBOX_LABELS.role]: SANDBOX_ROLE, [SANDBOX_LABELS.network]: network, [STOP_TIMEOUT_LABEL]: '0' };
}

export interface SandboxSpecInput {
  readonly name: string;
  readonly image: string;
  readonly network: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The task's effective container definitions, for their DNS, hosts and network sysctls; none for a spare. */
  readonly containers?: readonly ContainerDefinition[];
}

const unique = <T>(xs: T[]): T[] | undefined => (xs.length > 0 ? [...new Set(xs)] : undefined);

/** Whether a task's sandbox needs settings of its own (so a spare from the warm pool will not do). */
export function needsOwnSandbox(containers: readonly ContainerDefinition[]): boolean {
  return containers.some((c) => (c.dnsServers?.length ?? 0) > 0 || (c.dnsSearchDomains?.length ?? 0) > 0 || (c.extraHosts?.length ?? 0) > 0
    || (c.systemControls ?? []).some((s) => s.namespace && isNetworkSysctl(s.namespace)));
}

export function computeSandboxSpec(input: SandboxSpecInput): ContainerSpec {
  const defs = input.containers ?? [];
  const extraHosts = new Map<string, ExtraHost>();
  for (const h of defs.flatMap((c) => c.extraHosts ?? [])) extraHosts.set(`${h.hostname}\0${h.ipAddress}`, { hostname: h.hostname!, ipAddress: h.ipAddress! });
  const sysctls = defs.flatMap((c) => c.systemControls ?? []).filter((s) => s.namespace && isNetworkSysctl(s.namespace));
  const dnsServers = unique(defs.flatMap((c) => c.dnsServers ?? []));
  const dnsSearchDomains = unique(defs.flatMap((c) => c.dnsSearchDomains ?? []));
  return {
    name: input.name,
    image: input.image,
    entrypoint: PAUSE_ENTRYPOINT,
    command: [],
    labels: { ...input.labels },
    networkMode: input.network,
    ...(dnsServers ? { dnsServers } : {}),
    ...(dnsSearchDomains ? { dnsSearchDomains } : {}),
    ...(extraHosts.size > 0 ? { extraHosts: [...extraHosts.values()] } : {}),
    ...(sysctls.length > 0 ? { sysctls: Object.fromEntries(sysctls.map((s) => [s.namespace!, s.value ?? ''])) } : {}),
  };
}
