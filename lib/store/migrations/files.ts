import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The schema as numbered SQL files, each applied once, in name order, by migrator.ts through any
 * SqlExecutor: the local stack runs them through the local Data API server, the deploy through the
 * real one. See docs/MIGRATIONS.md.
 */
export interface Migration {
  name: string;
  statements: string[];
  /** SHA-256 of the statements (comments and blank lines left out), kept in the ledger when applied. */
  checksum: string;
}

/** The numbered SQL files, in sql/ beside this module. */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'sql');

/** The file names that are migrations; infra/aws/migrations-hash.cjs uses the same filter. */
const MIGRATION_FILE = /^\d+_.*\.sql$/;

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => MIGRATION_FILE.test(file))
    .sort()
    .map((file) => migrationOf(file, readFileSync(join(dir, file), 'utf8')));
}

export function migrationOf(name: string, text: string): Migration {
  const statements = splitStatements(text);
  return { name, statements, checksum: checksumOf(statements) };
}

/**
 * Over the statements rather than the file's bytes, so that a comment fixed in an applied file is
 * not a change; the NUL separator keeps `a;b` and `ab` apart.
 */
export function checksumOf(statements: string[]): string {
  const hash = createHash('sha256');
  for (const statement of statements) hash.update(statement).update('\0');
  return hash.digest('hex');
}

/** The Data API runs one statement per call; files hold several, each ending with `;` at a line end. */
export function splitStatements(text: string): string[] {
  return text
    .split(/;\s*$/m)
    .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
    .filter((statement) => statement !== '');
}
