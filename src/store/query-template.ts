import type { CompiledQuery, Compilable } from 'kysely';
import type { Db } from './sqlite.js';

/**
 * A query built and compiled once, then run with new arguments: building and compiling through
 * Kysely costs several times what SQLite takes to run a small indexed query, and the hot paths
 * (describe, register) run a few per request. The SQL is the dialect's own, so PostgreSQL gets
 * its own text the same way.
 *
 * `build` receives placeholder markers instead of arguments; each marker must be used as a whole
 * value (compared, inserted), never inspected.
 */
export function queryTemplate<A extends unknown[], R>(build: (db: Db, ...args: A) => Compilable<R>) {
  let compiled: { query: CompiledQuery<R>; slots: (number | undefined)[] } | undefined;
  return async (db: Db, ...args: A): Promise<R[]> => {
    if (!compiled) {
      const markers = args.map((_, i) => Symbol(`arg${i}`));
      const query = build(db, ...(markers as unknown as A)).compile();
      compiled = { query, slots: query.parameters.map((p) => (typeof p === 'symbol' ? markers.indexOf(p) : undefined)) };
    }
    const { query, slots } = compiled;
    const parameters = slots.map((slot, i) => (slot === undefined ? query.parameters[i] : args[slot]));
    return (await db.executeQuery<R>({ ...query, parameters })).rows;
  };
}
