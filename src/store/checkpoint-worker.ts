import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';

/**
 * Runs in a worker thread: moves the WAL into the database file every second on its own connection,
 * so the fsyncs a checkpoint does never stall the thread that serves requests. A passive checkpoint
 * never waits for the writer; only when writes have not paused for long enough to let the WAL start
 * over (it has grown past MAX_WAL_BYTES) does it make the writer wait for one restarting checkpoint.
 */
const MAX_WAL_BYTES = 1024 * 1024 * 1024;
const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = new SqliteDatabase(file);
db.pragma('busy_timeout = 5000');
const walBytes = () => {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
};
const timer = setInterval(() => {
  try {
    db.pragma(walBytes() > MAX_WAL_BYTES ? 'wal_checkpoint(RESTART)' : 'wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or closing: the next tick tries again.
  }
}, intervalMs);
parentPort!.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
