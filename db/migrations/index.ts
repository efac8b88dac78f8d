import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlExecutor } from '../../lib/sql-executor.js';

/**
 * The schema as numbered, idempotent SQL files, applied in order through any SqlExecutor: the
 * local stack runs them through the local Data API server, the deploy through the real one.
 */
export interface Migration {
  name: string;
  statements: string[];
}

export const MIGRATIONS_DIR = dirname(fileURLToPath(import.meta.url));

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d+_.*\.sql$/.test(file))
    .sort()
    .map((file) => ({ name: file, statements: splitStatements(readFileSync(join(dir, file), 'utf8')) }));
}

/** The Data API runs one statement per call; files hold several, each ending with `;` at a line end. */
export function splitStatements(text: string): string[] {
  return text
    .split(/;\s*$/m)
    .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
    .filter((statement) => statement !== '');
}

export async function runMigrations(db: SqlExecutor, migrations: Migration[] = loadMigrations()): Promise<string[]> {
  for (const migration of migrations) {
    for (const statement of migration.statements) await db.run(statement);
  }
  return migrations.map((migration) => migration.name);
}
