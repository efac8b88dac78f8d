import { MigrationLockError } from '../../errors.js';
import type { SqlExecutor } from '../sql-executor.js';

/**
 * One migration run at a time per database, over the Data API. Every statement outside a
 * transaction may run on a different pooled connection, so a session lock (`GET_LOCK`, which Kysely's
 * MySQL migrator takes) would be held by whichever connection ran it and released by nobody. A Data
 * API transaction is pinned to one connection: the lock is a row lock (`FOR UPDATE`) inside a
 * transaction that stays open while the migrations run on other connections, in autocommit. It ends
 * (and the lock with it) on commit, on rollback, when its connection dies, or when the Data API
 * rolls it back after 3 idle minutes; a heartbeat keeps it from idling while a long statement runs.
 * `SKIP LOCKED` answers at once (no row: someone else holds it), so waiting is ours to bound, never
 * a statement blocked past the Data API's 45 s statement timeout. See docs/MIGRATIONS.md.
 */
export const LOCK_TABLE = 'schema_migrations_lock';

/**
 * The table and its one row in one statement. An INSERT that meets the existing row would take a
 * shared lock on it and wait behind the run holding it; `CREATE TABLE IF NOT EXISTS ... SELECT`
 * inserts only when it creates the table, and is a no-op (no row touched) when the table exists.
 */
const CREATE_LOCK_TABLE = `CREATE TABLE IF NOT EXISTS ${LOCK_TABLE} (id TINYINT NOT NULL PRIMARY KEY) ENGINE = InnoDB SELECT 1 AS id`;

export interface LockOptions {
  /** Milliseconds still available to wait for another run to finish. */
  timeLeftMs: () => number;
  sleep?: (ms: number) => Promise<void>;
  onWait?: (attempt: number, delayMs: number) => void;
  /** How often the holding transaction is touched; well under the Data API's 3-minute idle limit. */
  heartbeatMs?: number;
}

/** The lock as the work sees it: `check()` throws once the holding transaction is gone. */
export interface HeldLock {
  check(): void;
}

const FIRST_WAIT_MS = 200;
const MAX_WAIT_MS = 2_000;

export async function withMigrationLock<T>(db: SqlExecutor, work: (lock: HeldLock) => Promise<T>, options: LockOptions): Promise<T> {
  await db.run(CREATE_LOCK_TABLE);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    const outcome = await db.transaction(async (tx) => {
      const { rows } = await tx.run(`SELECT id FROM ${LOCK_TABLE} WHERE id = 1 FOR UPDATE SKIP LOCKED`);
      if (rows.length === 0) return { held: false as const };
      return { held: true as const, value: await whileHeld(tx, work, options.heartbeatMs ?? 60_000) };
    });
    if (outcome.held) return outcome.value;
    const delay = Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (attempt - 1));
    if (options.timeLeftMs() <= delay) {
      throw new MigrationLockError(`another migration run still holds ${LOCK_TABLE} after ${attempt} attempts; try again once it has finished`);
    }
    options.onWait?.(attempt, delay);
    await sleep(delay);
  }
}

async function whileHeld<T>(tx: SqlExecutor, work: (lock: HeldLock) => Promise<T>, heartbeatMs: number): Promise<T> {
  let lost: unknown;
  // One call at a time on a transaction: the Data API refuses a second while one runs.
  let beat: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    beat = beat
      .then(() => tx.run('SELECT 1'))
      .then(
        () => undefined,
        (error: unknown) => {
          lost ??= error;
        },
      );
  }, heartbeatMs);
  timer.unref();
  const lock: HeldLock = {
    check() {
      if (lost !== undefined) {
        throw new MigrationLockError(
          `the migration lock was lost (${(lost as Error).name ?? 'Error'}: ${(lost as Error).message ?? String(lost)}); stopped before the next statement`,
        );
      }
    },
  };
  try {
    return await work(lock);
  } finally {
    clearInterval(timer);
    await beat;
  }
}
