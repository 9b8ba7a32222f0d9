/**
 * Container and task health as ECS reports them (semantics.md §1.8). Pure.
 */
import type { HealthStatus } from '../runtime/container-runtime.js';

export type WireHealth = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

/** The engine's health → ECS's: 'starting' (and no check at all) is UNKNOWN. */
export function toWireHealth(health: HealthStatus | undefined): WireHealth {
  if (health === 'healthy') return 'HEALTHY';
  if (health === 'unhealthy') return 'UNHEALTHY';
  return 'UNKNOWN';
}

export interface HealthInput {
  readonly essential: boolean;
  readonly hasHealthCheck: boolean;
  readonly health: WireHealth;
}

/**
 * Task health over the essential containers that have a health check, by priority
 * UNHEALTHY > UNKNOWN > HEALTHY; UNKNOWN when no essential container has one.
 * Example: {UNHEALTHY, UNKNOWN} → UNHEALTHY; {HEALTHY, UNKNOWN} → UNKNOWN; {HEALTHY} → HEALTHY.
 */
export function computeTaskHealth(containers: readonly HealthInput[]): WireHealth {
  const checked = containers.filter((c) => c.essential && c.hasHealthCheck);
  if (checked.length === 0) return 'UNKNOWN';
  if (checked.some((c) => c.health === 'UNHEALTHY')) return 'UNHEALTHY';
  if (checked.some((c) => c.health === 'UNKNOWN')) return 'UNKNOWN';
  return 'HEALTHY';
}
