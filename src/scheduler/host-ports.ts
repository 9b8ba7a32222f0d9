import type { HostPortBinding, InstanceSnapshot, PortDemand, PortRange, TransportProtocol } from './placement-types.js';

/**
 * Host-port bookkeeping for one container instance while a plan is built (semantics §4.4, §6).
 * Static host ports join the reserved set (ECS PORTS / PORTS_UDP); dynamic ones come from the
 * instance's range and are tracked apart, as ECS does not count them as reserved. A port is never
 * handed out if it is reserved, held by a dynamic mapping, or already given out in this plan.
 */

/** The agent's Linux default (DefaultPortRangeStart/End) when the kernel range is unknown. */
export const DEFAULT_DYNAMIC_PORT_RANGE: PortRange = { start: 49153, end: 65535 };
/** "A container instance can have up to 100 reserved ports at a time", defaults included. */
export const MAX_RESERVED_PORTS = 100;

const PROTOCOLS = ['tcp', 'udp'] as const;
const NO_PORTS: ReadonlySet<number> = new Set();

/** A task's port mappings sorted once per request, so the per-instance checks stay cheap. */
export interface PortDemandPlan {
  mappings: readonly PortDemand[];
  staticPorts: Record<TransportProtocol, readonly number[]>;
  staticCount: number;
  dynamicCount: Record<TransportProtocol, number>;
  /** Two mappings ask for the same static host port and protocol: no instance can take the task. */
  conflicting: boolean;
}

export function computePortDemandPlan(mappings: readonly PortDemand[]): PortDemandPlan {
  const staticPorts = { tcp: [] as number[], udp: [] as number[] };
  const dynamicCount = { tcp: 0, udp: 0 };
  for (const m of mappings) {
    if (m.hostPort === undefined || m.hostPort === 0) dynamicCount[m.protocol]++;
    else staticPorts[m.protocol].push(m.hostPort);
  }
  const conflicting = PROTOCOLS.some((p) => new Set(staticPorts[p]).size !== staticPorts[p].length);
  return { mappings, staticPorts, staticCount: staticPorts.tcp.length + staticPorts.udp.length, dynamicCount, conflicting };
}

/**
 * Picks `count` ports of `range` that `isTaken` rejects, scanning upward from just after `after`
 * and wrapping once, so recently freed ports are reused last. Undefined when fewer are free.
 */
export function selectDynamicPorts(
  range: PortRange, count: number, isTaken: (port: number) => boolean, after?: number,
): number[] | undefined {
  const size = range.end - range.start + 1;
  const first = after === undefined || after < range.start || after >= range.end ? range.start : after + 1;
  const picked: number[] = [];
  for (let i = 0; i < size && picked.length < count; i++) {
    const port = range.start + ((first - range.start + i) % size);
    if (!isTaken(port)) picked.push(port);
  }
  return picked.length === count ? picked : undefined;
}

/** Mutable, copy-on-write view of one instance's host ports; the snapshot's sets are never changed. */
export class HostPortLedger {
  readonly #range: PortRange;
  readonly #reserved: Record<TransportProtocol, ReadonlySet<number>>;
  readonly #dynamic: Record<TransportProtocol, ReadonlySet<number>>;
  /** Sets this ledger copied and may change; built on the first allocation only (most instances get none). */
  #owned: Set<ReadonlySet<number>> | undefined;
  readonly #free: Record<TransportProtocol, number | undefined> = { tcp: undefined, udp: undefined };
  #last: number | undefined;

  constructor(instance: InstanceSnapshot) {
    this.#range = instance.dynamicPortRange ?? DEFAULT_DYNAMIC_PORT_RANGE;
    this.#reserved = { tcp: instance.remaining.ports, udp: instance.remaining.portsUdp };
    this.#dynamic = { tcp: instance.dynamicPorts ?? NO_PORTS, udp: instance.dynamicPortsUdp ?? NO_PORTS };
    this.#last = instance.lastDynamicHostPort;
  }

  isTaken(protocol: TransportProtocol, port: number): boolean {
    return this.#reserved[protocol].has(port) || this.#dynamic[protocol].has(port);
  }

  /** Whether the task's static ports are free, the reserved-port cap holds and the range has room. */
  canFit(plan: PortDemandPlan): boolean {
    if (plan.conflicting) return false;
    if (plan.staticCount > 0 && this.#reserved.tcp.size + this.#reserved.udp.size + plan.staticCount > MAX_RESERVED_PORTS) return false;
    return this.#canFitProtocol(plan, 'tcp') && this.#canFitProtocol(plan, 'udp');
  }

  #canFitProtocol(plan: PortDemandPlan, protocol: TransportProtocol): boolean {
    const statics = plan.staticPorts[protocol];
    let staticsInRange = 0;
    for (let i = 0; i < statics.length; i++) {
      const port = statics[i] as number;
      if (this.isTaken(protocol, port)) return false;
      if (port >= this.#range.start && port <= this.#range.end) staticsInRange++;
    }
    const needed = plan.dynamicCount[protocol];
    if (needed === 0) return true;
    // Cheap lower bound first (as if every held port were in range); count exactly only when short.
    const { start, end } = this.#range;
    const atLeast = end - start + 1 - this.#reserved[protocol].size - this.#dynamic[protocol].size - staticsInRange;
    return atLeast >= needed || this.#freeInRange(protocol) - staticsInRange >= needed;
  }

  /** Reserves the task's ports; call only after `canFit`. Bindings follow `plan.mappings` order. */
  allocate(plan: PortDemandPlan): HostPortBinding[] {
    const dynamic: Record<TransportProtocol, number[]> = { tcp: [], udp: [] };
    for (const protocol of PROTOCOLS) {
      const statics = plan.staticPorts[protocol];
      if (statics.length > 0) this.#reserved[protocol] = this.#add(this.#reserved[protocol], statics);
      const count = plan.dynamicCount[protocol];
      if (count === 0) continue;
      const ports = selectDynamicPorts(this.#range, count, (p) => this.isTaken(protocol, p), this.#last);
      if (ports === undefined) throw new Error(`no ${count} free ${protocol} host ports: allocate() without canFit()`);
      this.#dynamic[protocol] = this.#add(this.#dynamic[protocol], ports);
      this.#last = ports[ports.length - 1];
      dynamic[protocol] = ports;
    }
    this.#free.tcp = undefined;
    this.#free.udp = undefined;
    const next = { tcp: 0, udp: 0 };
    return plan.mappings.map((m) => {
      const hostPort = m.hostPort === undefined || m.hostPort === 0 ? dynamic[m.protocol][next[m.protocol]++] : m.hostPort;
      return { ...(m.containerPort === undefined ? {} : { containerPort: m.containerPort }), hostPort: hostPort ?? 0, protocol: m.protocol };
    });
  }

  #freeInRange(protocol: TransportProtocol): number {
    let free = this.#free[protocol];
    if (free === undefined) {
      const { start, end } = this.#range;
      free = end - start + 1;
      for (const p of this.#reserved[protocol]) if (p >= start && p <= end) free--;
      for (const p of this.#dynamic[protocol]) if (p >= start && p <= end && !this.#reserved[protocol].has(p)) free--;
      this.#free[protocol] = free;
    }
    return free;
  }

  /** Adds ports, copying the set the first time so the caller's snapshot stays untouched. */
  #add(set: ReadonlySet<number>, ports: readonly number[]): ReadonlySet<number> {
    this.#owned ??= new Set();
    const own = this.#owned.has(set) ? (set as Set<number>) : new Set(set);
    this.#owned.add(own);
    for (const p of ports) own.add(p);
    return own;
  }
}
