import { MigrationPlanError } from '../../errors.js';
import type { Migration } from './files.js';
import { type AppliedMigration, LEDGER_TABLE } from './ledger.js';

/**
 * What a run has to do, from the files and the ledger, decided before anything is applied. Pure.
 *
 * - A file in the ledger with the same checksum is done.
 * - A file in the ledger with another checksum was edited after it was applied: the edit would
 *   never reach the databases that have it, so the run fails, naming the files, and applies nothing.
 * - A new file that sorts before an applied one would run in a different order on an old database
 *   than on a new one: the run fails, naming it.
 * - A ledger entry with no file is a database ahead of the code (a CloudFormation rollback deploys
 *   the previous code): reported, not an error, so the rollback can complete.
 */
export interface MigrationPlan {
  done: Migration[];
  pending: Migration[];
  /** Applied according to the ledger, but not among the files. */
  unknown: string[];
}

export function planMigrations(migrations: Migration[], ledger: AppliedMigration[]): MigrationPlan {
  const applied = new Map(ledger.map((entry) => [entry.name, entry.checksum]));
  const done = migrations.filter((migration) => applied.has(migration.name));
  const pending = migrations.filter((migration) => !applied.has(migration.name));

  const changed = done.filter((migration) => applied.get(migration.name) !== migration.checksum);
  if (changed.length > 0) {
    const names = changed.map((migration) => migration.name).join(', ');
    throw new MigrationPlanError(
      `${names} changed after being applied (its checksum differs from the one in ${LEDGER_TABLE}); restore the applied text and put the change in a new migration file`,
    );
  }

  const lastApplied = ledger
    .map((entry) => entry.name)
    .sort()
    .at(-1);
  const early = lastApplied === undefined ? [] : pending.filter((migration) => migration.name < lastApplied);
  if (early.length > 0) {
    const names = early.map((migration) => migration.name).join(', ');
    throw new MigrationPlanError(`${names} is new but sorts before ${lastApplied}, which is already applied; rename it to sort after ${lastApplied}`);
  }

  const known = new Set(migrations.map((migration) => migration.name));
  return { done, pending, unknown: ledger.map((entry) => entry.name).filter((name) => !known.has(name)) };
}
