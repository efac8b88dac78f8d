import type { SqlExecutor } from '../sql-executor.js';
import type { Migration } from './files.js';
import { ensureLedger, readLedger, recordApplied } from './ledger.js';
import { type HeldLock, type LockOptions, withMigrationLock } from './lock.js';
import { planMigrations } from './plan.js';

/**
 * Applies each pending migration once, in name order, under the migration lock, and records it in
 * the ledger once all its statements have succeeded. The same runner serves the local stack and the
 * deploy's custom resource; both reach the database only through the Data API. docs/MIGRATIONS.md.
 */
export interface MigrationReport {
  /** Applied by this run, in order. */
  applied: string[];
  /** Every migration file the database now has, in order. */
  current: string[];
  /** In the ledger but not among the files: the database is ahead of this code. */
  unknown: string[];
}

export interface RunOptions extends Partial<LockOptions> {
  onApplied?: (name: string) => void;
}

/** How long a run waits for another by default (the custom resource passes its own remaining time). */
const DEFAULT_LOCK_WAIT_MS = 120_000;

export async function applyMigrations(db: SqlExecutor, migrations: Migration[], options: RunOptions = {}): Promise<MigrationReport> {
  const waitUntil = Date.now() + DEFAULT_LOCK_WAIT_MS;
  const lockOptions: LockOptions = {
    timeLeftMs: options.timeLeftMs ?? (() => waitUntil - Date.now()),
    sleep: options.sleep,
    onWait: options.onWait,
    heartbeatMs: options.heartbeatMs,
  };
  await ensureLedger(db);
  return withMigrationLock(
    db,
    async (lock) => {
      // Read under the lock: a run that held it before us has recorded all it applied.
      const plan = planMigrations(migrations, await readLedger(db));
      for (const migration of plan.pending) {
        await applyOne(db, migration, lock);
        options.onApplied?.(migration.name);
      }
      return {
        applied: plan.pending.map((migration) => migration.name),
        current: migrations.map((migration) => migration.name),
        unknown: plan.unknown,
      };
    },
    lockOptions,
  );
}

async function applyOne(db: SqlExecutor, migration: Migration, lock: HeldLock): Promise<void> {
  const count = migration.statements.length;
  for (const [index, statement] of migration.statements.entries()) {
    lock.check();
    try {
      await db.run(statement);
    } catch (error) {
      throw withContext(error, migration.name, index, count);
    }
  }
  lock.check();
  await recordApplied(db, migration);
}

/**
 * Says which file and statement failed, and that MySQL DDL is not rolled back. The error keeps its
 * name and metadata, which decide whether the custom resource waits and tries again.
 */
function withContext(error: unknown, name: string, index: number, count: number): unknown {
  if (!(error instanceof Error)) return error;
  const kept = index === 0 ? 'nothing of it was applied' : `statements 1 to ${index} stay applied (MySQL DDL is not transactional)`;
  error.message = `${name}, statement ${index + 1} of ${count}: ${error.message} (not recorded as applied; ${kept})`;
  return error;
}
