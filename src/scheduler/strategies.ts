import { ServiceError } from '../kit/errors.js';
import type { PlacementStrategyInput } from './placement-types.js';
import type { WorkingInstance } from './working-instance.js';

/**
 * Placement strategies (semantics §4.2), applied in order: each keeps only the candidates it ranks
 * best and hands the ties to the next one; ties left at the end are broken at random.
 *
 * - binpack(cpu|memory): least remaining of the resource (the candidates all fit the task).
 * - spread(instanceId|host): fewest tasks of the group on the instance.
 * - spread(attribute:<name>): fewest tasks of the group on all ACTIVE instances sharing the
 *   candidate's value, so a full AZ still counts; a missing attribute is a value of its own.
 * - random: one candidate, uniformly.
 */
export type PlacementStrategy =
  | { type: 'binpack'; field: 'cpu' | 'memory' }
  | { type: 'spread'; field: 'instanceId' }
  | { type: 'spread'; field: 'attribute'; attribute: string }
  | { type: 'random' };

/** ECS quota: placement strategies per service or RunTask. */
export const MAX_STRATEGIES = 5;

const invalid = (message: string) => new ServiceError('InvalidParameterException', message);

/** Validates the request's strategies; ServiceError for what ECS rejects with a 400. */
export function compilePlacementStrategies(inputs: readonly PlacementStrategyInput[]): PlacementStrategy[] {
  if (inputs.length > MAX_STRATEGIES) throw invalid(`Too many placement strategies: at most ${MAX_STRATEGIES} are allowed.`);
  return inputs.map((s): PlacementStrategy => {
    const field = s.field ?? '';
    switch (s.type) {
      case 'random':
        if (s.field !== undefined) throw invalid('Field must not be specified for the random placement strategy.');
        return { type: 'random' };
      case 'binpack': {
        const resource = field.toLowerCase();
        if (resource !== 'cpu' && resource !== 'memory') throw invalid(`Invalid field '${field}' for the binpack placement strategy. Valid values are cpu and memory.`);
        return { type: 'binpack', field: resource };
      }
      case 'spread':
        if (['instanceid', 'host'].includes(field.toLowerCase())) return { type: 'spread', field: 'instanceId' };
        if (field.startsWith('attribute:') && field.length > 'attribute:'.length) {
          return { type: 'spread', field: 'attribute', attribute: field.slice('attribute:'.length) };
        }
        throw invalid(`Invalid field '${field}' for the spread placement strategy. Valid values are instanceId, host or attribute:<name>.`);
      default:
        throw invalid(`Invalid placement strategy type '${s.type ?? ''}'. Valid values are random, spread and binpack.`);
    }
  });
}

/** Tasks of the group on all ACTIVE instances sharing one attribute value; shared by those instances. */
export interface SpreadBucket {
  count: number;
}

/**
 * Gives each instance, for each spread(attribute) strategy, the bucket of its attribute value, so
 * ranking reads one field instead of looking the value up per candidate and placement.
 */
export function assignSpreadBuckets(strategies: readonly PlacementStrategy[], instances: readonly WorkingInstance[]): void {
  strategies.forEach((s, index) => {
    if (s.type !== 'spread' || s.field !== 'attribute') return;
    const buckets = new Map<string | undefined, SpreadBucket>();
    for (const i of instances) {
      const value = i.snapshot.attributes[s.attribute];
      let bucket = buckets.get(value);
      if (bucket === undefined) buckets.set(value, (bucket = { count: 0 }));
      bucket.count += i.groupCount;
      i.spreadBuckets[index] = bucket;
    }
  });
}

/** Counts a task just placed on `instance` in its spread buckets. */
export function recordSpread(instance: WorkingInstance): void {
  for (const bucket of instance.spreadBuckets) if (bucket !== undefined) bucket.count++;
}

/**
 * Chooses among `candidates` (non-empty, all feasible), leaving that array as it is; `scratch`
 * holds the ties between strategies. One pass per strategy and no sorting, which keeps
 * 1,000-instance clusters fast.
 */
export function selectInstance(
  candidates: readonly WorkingInstance[], strategies: readonly PlacementStrategy[], random: () => number, scratch: WorkingInstance[],
): WorkingInstance {
  let pool = candidates;
  let size = candidates.length;
  for (let s = 0; s < strategies.length && size > 1; s++) {
    const strategy = strategies[s] as PlacementStrategy;
    if (strategy.type === 'random') break;
    let best = Infinity;
    let kept = 0;
    // Compacts into scratch while reading pool; safe when pool is scratch, as kept <= i.
    for (let i = 0; i < size; i++) {
      const c = pool[i] as WorkingInstance;
      const score = rankInstance(strategy, s, c);
      if (score < best) {
        best = score;
        kept = 0;
      }
      if (score === best) scratch[kept++] = c;
    }
    pool = scratch;
    size = kept;
  }
  // random, or ties left after every strategy: uniform among what is left.
  return pool[size > 1 ? Math.min(size - 1, Math.floor(random() * size)) : 0] as WorkingInstance;
}

/** Lower is better. */
function rankInstance(strategy: Exclude<PlacementStrategy, { type: 'random' }>, index: number, c: WorkingInstance): number {
  if (strategy.type === 'binpack') return strategy.field === 'cpu' ? c.cpu : c.memory;
  if (strategy.field === 'instanceId') return c.groupCount;
  return (c.spreadBuckets[index] as SpreadBucket).count;
}
