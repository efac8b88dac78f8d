import { describe, expect, it } from 'vitest';
import { MigrationPlanError } from '../../errors.js';
import { checksumOf, migrationOf } from './index.js';
import { planMigrations } from './plan.js';

const one = migrationOf('001_one.sql', 'CREATE TABLE IF NOT EXISTS One (id INT);\n');
const two = migrationOf('002_two.sql', 'ALTER TABLE One ADD COLUMN a INT;\n');
const three = migrationOf('003_three.sql', 'ALTER TABLE One ADD COLUMN b INT;\n');
const applied = (...migrations: { name: string; checksum: string }[]) => migrations.map(({ name, checksum }) => ({ name, checksum }));

describe('planMigrations', () => {
  it('on an empty ledger, everything is pending, in the files’ order', () => {
    expect(planMigrations([one, two], [])).toEqual({ done: [], pending: [one, two], unknown: [] });
  });

  it('what the ledger holds with the same checksum is done; the rest is pending', () => {
    expect(planMigrations([one, two, three], applied(one))).toEqual({ done: [one], pending: [two, three], unknown: [] });
    expect(planMigrations([one, two], applied(one, two))).toEqual({ done: [one, two], pending: [], unknown: [] });
  });

  it('refuses files changed after being applied, naming every one', () => {
    const edited = migrationOf('001_one.sql', 'CREATE TABLE IF NOT EXISTS One (id BIGINT);\n');
    const editedToo = migrationOf('002_two.sql', 'ALTER TABLE One ADD COLUMN a BIGINT;\n');
    expect(() => planMigrations([edited, editedToo, three], applied(one, two))).toThrow(MigrationPlanError);
    expect(() => planMigrations([edited, editedToo, three], applied(one, two))).toThrow(/^001_one\.sql, 002_two\.sql changed after being applied/);
  });

  it('refuses a new file that sorts before one already applied', () => {
    expect(() => planMigrations([one, two, three], applied(one, three))).toThrow(
      '002_two.sql is new but sorts before 003_three.sql, which is already applied; rename it to sort after 003_three.sql',
    );
  });

  it('reports ledger entries with no file (the database is ahead of the code) and goes on', () => {
    expect(planMigrations([one], applied(one, two, three))).toEqual({ done: [one], pending: [], unknown: ['002_two.sql', '003_three.sql'] });
  });
});

describe('migration checksums', () => {
  it('ignore comments, blank lines and the spacing around statements', () => {
    const plain = migrationOf('001_a.sql', 'SELECT 1;\nSELECT 2;\n');
    const commented = migrationOf('001_a.sql', '-- why\n\nSELECT 1;\n\n  -- and why again\nSELECT 2;');
    expect(commented.checksum).toBe(plain.checksum);
    expect(plain.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('change with any statement text, and keep statement boundaries apart', () => {
    expect(migrationOf('001_a.sql', 'SELECT 1;\nSELECT 3;\n').checksum).not.toBe(migrationOf('001_a.sql', 'SELECT 1;\nSELECT 2;\n').checksum);
    expect(checksumOf(['ab', 'c'])).not.toBe(checksumOf(['a', 'bc']));
  });
});
