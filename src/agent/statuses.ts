/**
 * The agent's ordered statuses (ECS agent `containerstatus.go`): a container, and a task, only
 * ever move forward through NONE < PULLED < CREATED < RUNNING < STOPPED. The wire knows only
 * PENDING, RUNNING and STOPPED; `toWireStatus` is the one mapping between the two.
 */
import type { AgentContainerStatus } from '../domain/ecs/task-contract.js';

export const KNOWN_STATUSES = ['NONE', 'PULLED', 'CREATED', 'RUNNING', 'STOPPED'] as const;

export type KnownStatus = (typeof KNOWN_STATUSES)[number];

export const statusRank = (status: KnownStatus): number => KNOWN_STATUSES.indexOf(status);

/** Whether `status` is `min` or later. */
export const isAtLeast = (status: KnownStatus, min: KnownStatus): boolean => statusRank(status) >= statusRank(min);

/** Everything before RUNNING is PENDING on the wire (ECS `BackendStatus()`). */
export function toWireStatus(status: KnownStatus): AgentContainerStatus {
  if (status === 'RUNNING' || status === 'STOPPED') return status;
  return 'PENDING';
}
