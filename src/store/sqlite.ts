import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';
import { withStatementCache } from './statement-cache.js';

export type Db = Kysely<Database>;

export interface SqliteHandle {
  db: Db;
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) the SQLite store and brings its schema up to date.
 * WAL with synchronous=NORMAL: a commit is in the OS before it returns, so a killed process
 * (SIGKILL) loses no acknowledged write; only a power cut could take back the last commits.
 * Checkpoints run in a worker thread instead of inside whichever commit fills the WAL.
 */
export async function openSqlite(file: string): Promise<SqliteHandle> {
  const inMemory = file === ':memory:';
  if (!inMemory) mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // The checkpoint worker does all checkpoints: SQLite's own would run inside a request's commit.
  if (!inMemory) sqlite.pragma('wal_autocheckpoint = 0');
  sqlite.pragma('journal_size_limit = 67108864');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  await migrate(db);
  const checkpointer = inMemory ? undefined : startCheckpointer(file, () => sqlite.pragma('wal_autocheckpoint = 1000'));
  return {
    db,
    async close() {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

/** Starts the checkpoint worker; if it ever fails, SQLite's own checkpoints take over again. */
function startCheckpointer(file: string, fallBack: () => void): { stop(): Promise<void> } {
  // Built code runs the .js; tests under tsx run the sources, where only the .ts exists.
  const script = import.meta.url.endsWith('.ts') ? './checkpoint-worker.ts' : './checkpoint-worker.js';
  const worker = new Worker(new URL(script, import.meta.url), { workerData: { file, intervalMs: 1000 } });
  worker.unref();
  worker.on('error', fallBack);
  return {
    async stop() {
      if (worker.threadId < 0) return;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('stop');
      await exited;
    },
  };
}

/** Runs every migration not yet applied; the migrator works on any schema, hence `any`. */
export async function migrate(db: Kysely<any>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`store migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }
}
