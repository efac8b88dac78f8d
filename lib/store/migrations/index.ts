import type { SqlExecutor } from '../sql-executor.js';
import { loadMigrations, type Migration } from './files.js';
import { applyMigrations, type MigrationReport, type RunOptions } from './migrator.js';

export { checksumOf, loadMigrations, MIGRATIONS_DIR, type Migration, migrationOf, splitStatements } from './files.js';
export type { MigrationReport, RunOptions };

/** Applies the pending migrations of `dir` (sql/ by default), each once, under the migration lock. */
export function runMigrations(db: SqlExecutor, migrations: Migration[] = loadMigrations(), options: RunOptions = {}): Promise<MigrationReport> {
  return applyMigrations(db, migrations, options);
}
