import { ServiceError } from '../kit/errors.js';
import { type PlacementConstraintInput, PlacementFailureReason } from './placement-types.js';
import { compileExpression, type InstancePredicate } from './query-evaluation.js';
import { parseExpression } from './query-language.js';
import type { WorkingInstance } from './working-instance.js';

/**
 * Placement constraints (semantics §4.3). They are binding: an instance that fails one is not a
 * candidate. memberOf holds on the instance as it would be with this plan's earlier tasks on it,
 * so `task:group` and `runningTasksCount` see them too.
 */

/** PlacementConstraint.expression's documented maximum length. */
export const MAX_EXPRESSION_LENGTH = 2000;
/** ECS quota: placement constraints per task (RunTask, service or task definition). */
export const MAX_CONSTRAINTS = 10;

export interface PlacementConstraints {
  /** Compiled memberOf expressions; all must hold. */
  memberOf: readonly InstancePredicate[];
  distinctInstance: boolean;
}

const invalid = (message: string) => new ServiceError('InvalidParameterException', message);

/** Validates and parses the request's constraints; ServiceError for what ECS rejects with a 400. */
export function compilePlacementConstraints(inputs: readonly PlacementConstraintInput[]): PlacementConstraints {
  if (inputs.length > MAX_CONSTRAINTS) throw invalid(`Too many placement constraints: at most ${MAX_CONSTRAINTS} are allowed.`);
  const memberOf: InstancePredicate[] = [];
  let distinctInstance = false;
  for (const c of inputs) {
    if (c.type === 'distinctInstance') {
      if (c.expression !== undefined) throw invalid('distinctInstance expression should not be specified.');
      distinctInstance = true;
    } else if (c.type === 'memberOf') {
      if (c.expression === undefined || c.expression.trim() === '') throw invalid('memberOf expression must be specified.');
      if (c.expression.length > MAX_EXPRESSION_LENGTH) {
        throw invalid(`Placement constraint expression length must be at most ${MAX_EXPRESSION_LENGTH} characters.`);
      }
      memberOf.push(compileExpression(parseExpression(c.expression)));
    } else {
      throw invalid(`Invalid placement constraint type '${c.type ?? ''}'. Valid values are distinctInstance and memberOf.`);
    }
  }
  return { memberOf, distinctInstance };
}

/** The reason ECS gives when the instance breaks a constraint, memberOf first; undefined if none. */
export function computeConstraintRejection(
  instance: WorkingInstance, constraints: PlacementConstraints,
): PlacementFailureReason | undefined {
  if (constraints.memberOf.length > 0 && !isMemberOfAll(instance, constraints.memberOf)) return PlacementFailureReason.memberOf;
  if (constraints.distinctInstance && instance.groupCount > 0) return PlacementFailureReason.distinctInstance;
  return undefined;
}

/** Cached per instance until a task lands on it: only that instance's facts change in a plan. */
function isMemberOfAll(instance: WorkingInstance, predicates: readonly InstancePredicate[]): boolean {
  instance.memberOf ??= predicates.every((selects) => selects(instance.facts));
  return instance.memberOf;
}
