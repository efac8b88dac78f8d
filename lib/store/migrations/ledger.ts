import type { SqlExecutor } from '../sql-executor.js';

/**
 * The ledger: one row per migration file that was applied in full, with the checksum of what was
 * applied. Its table, and the lock's, are created here rather than by a migration, so that the
 * first run on any database (empty, or made by the runner that kept no ledger) can use them.
 */
export const LEDGER_TABLE = 'schema_migrations';

export interface AppliedMigration {
  name: string;
  checksum: string;
}

const CREATE_LEDGER = `CREATE TABLE IF NOT EXISTS ${LEDGER_TABLE} (
  name VARCHAR(255) NOT NULL PRIMARY KEY,
  checksum CHAR(64) NOT NULL,
  appliedAt TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin`;

export async function ensureLedger(db: SqlExecutor): Promise<void> {
  await db.run(CREATE_LEDGER);
}

/** What the ledger holds, in name order (the order migrations are applied in). */
export async function readLedger(db: SqlExecutor): Promise<AppliedMigration[]> {
  const { rows } = await db.run(`SELECT name, checksum FROM ${LEDGER_TABLE} ORDER BY name`);
  return rows.map(([name, checksum]) => ({ name: String(name), checksum: String(checksum) }));
}

/** Called only after every statement of the migration succeeded: a half-applied file is never recorded. */
export async function recordApplied(db: SqlExecutor, migration: AppliedMigration): Promise<void> {
  await db.run(`INSERT INTO ${LEDGER_TABLE} (name, checksum) VALUES (:name, :checksum)`, {
    name: migration.name,
    checksum: migration.checksum,
  });
}
