import type { Database as BetterSqliteDatabase, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * Hands Kysely the same prepared statement for the same SQL: preparing costs ~25 µs, several times
 * what running a small query does. Safe because better-sqlite3 runs statements synchronously and
 * Kysely uses one connection at a time.
 */
export function withStatementCache(db: BetterSqliteDatabase, max = 512): SqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
