import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { Attribute, Resource } from '@aws-sdk/client-ecs';

/** What an agent registers about its host, as the ECS agent does (reference/semantics.md §4.4). */
export const AGENT_VERSION = '1.0.0-berth';

/** Ports the ECS agent reserves on a Linux host by default (ssh, Docker, the agent's own). */
const RESERVED_PORTS = ['22', '2375', '2376', '51678', '51679'];
/** MiB left to the host and Docker itself, as ECS_RESERVED_MEMORY would. */
const RESERVED_MEMORY_MIB = 256;

/** A stable EC2-style instance id for this host and `identity` (cluster, data dir), across restarts. */
export const hostInstanceId = (identity: string): string =>
  `i-${createHash('sha256').update(`${hostname()}\0${identity}`).digest('hex').slice(0, 17)}`;

export function hostResources(cpus: number, memoryBytes: number): Resource[] {
  return [
    { name: 'CPU', type: 'INTEGER', integerValue: cpus * 1024 },
    { name: 'MEMORY', type: 'INTEGER', integerValue: Math.max(0, Math.floor(memoryBytes / 1048576) - RESERVED_MEMORY_MIB) },
    { name: 'PORTS', type: 'STRINGSET', stringSetValue: RESERVED_PORTS },
    { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
  ];
}

/** Berth's own attribute: the address an instance publishes its tasks' host ports on. */
export const HOST_IP_ATTRIBUTE = 'berth.host-ip';

/** The attributes the ECS agent registers: OS, architecture, and the Docker API versions it speaks. */
export function hostAttributes(architecture: string, apiVersion: string): Attribute[] {
  const [, minor = '41'] = apiVersion.split('.');
  const apis = Array.from({ length: Number(minor) - 16 }, (_, i) => ({ name: `com.amazonaws.ecs.capability.docker-remote-api.1.${17 + i}` }));
  return [
    { name: 'ecs.os-type', value: 'linux' },
    { name: 'ecs.os-family', value: 'LINUX' },
    { name: 'ecs.cpu-architecture', value: architecture },
    ...apis,
    { name: 'ecs.capability.task-eni' },
    { name: 'ecs.capability.container-health-check' },
    { name: 'ecs.capability.container-ordering' },
    { name: 'ecs.capability.execution-role-awslogs' },
    { name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' },
    { name: 'com.amazonaws.ecs.capability.logging-driver.json-file' },
    { name: 'com.amazonaws.ecs.capability.task-iam-role' },
    { name: 'ecs.capability.env-files.s3' },
  ];
}
