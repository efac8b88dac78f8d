import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { LOCAL_DEFAULTS, type LocalDataApi, startLocalDataApi } from 'local-data-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dropDatabase, ensureDatabase } from '../../../infra/local/mysql.js';
import { sql, stack } from '../../../test/support/helpers.js';
import { MigrationLockError } from '../../errors.js';
import { DataApiExecutor } from '../data-api/executor.js';
import { loadMigrations, MIGRATIONS_DIR, type RunOptions, runMigrations } from './index.js';
import { LEDGER_TABLE } from './ledger.js';
import { LOCK_TABLE } from './lock.js';

// The migration runner with its ledger and lock, through the real SDK client and a local Data API
// server of this file's own, on a database of this file's own, emptied before each test. (One
// database, not one per test: the server keeps a connection pool per database until it closes.)

const ADD_NOTE = 'ALTER TABLE Contact ADD COLUMN note VARCHAR(40) NULL;\n';

let server: LocalDataApi;
let clients: RDSDataClient[] = [];
let folders: string[] = [];
const database = `identify_ledger_${process.pid}`;

function newClient(endpoint = server.url): RDSDataClient {
  const client = new RDSDataClient({ endpoint, region: LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials, maxAttempts: 1 });
  clients.push(client);
  return client;
}

/** One runner, as one process or one Lambda instance has it: its own SDK client. */
function executor(endpoint = server.url): DataApiExecutor {
  return new DataApiExecutor(newClient(endpoint), { resourceArn: LOCAL_DEFAULTS.resourceArn, secretArn: LOCAL_DEFAULTS.secretArn, database });
}

/** A migrations folder holding the project's real 001 and the given files. */
function folder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'identify-migrations-'));
  folders.push(dir);
  copyFileSync(join(MIGRATIONS_DIR, '001_create_contact.sql'), join(dir, '001_create_contact.sql'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function run(dir: string, options: RunOptions = {}, db = executor()) {
  return runMigrations(db, loadMigrations(dir), options);
}

async function ledger(): Promise<{ name: string; checksum: string; appliedAt: string }[]> {
  const [rows] = await sql().query(`SELECT name, checksum, appliedAt FROM \`${database}\`.${LEDGER_TABLE} ORDER BY name`);
  return rows as { name: string; checksum: string; appliedAt: string }[];
}

async function tables(): Promise<string[]> {
  const [rows] = await sql().query('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name', [database]);
  return (rows as { name: string }[]).map((row) => row.name);
}

async function columns(table: string): Promise<string[]> {
  const [rows] = await sql().query(
    'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position',
    [database, table],
  );
  return (rows as { name: string }[]).map((row) => row.name);
}

async function createTable(): Promise<string> {
  const [rows] = await sql().query(`SHOW CREATE TABLE \`${database}\`.Contact`);
  return (rows as Record<string, string>[])[0]!['Create Table']!;
}

beforeAll(async () => {
  await dropDatabase(stack().mysqlUrl, database);
  await ensureDatabase(stack().mysqlUrl, database);
  server = await startLocalDataApi({ port: 0, mysqlUrl: stack().mysqlUrl });
});

afterAll(async () => {
  await server?.close();
  await dropDatabase(stack().mysqlUrl, database);
});

beforeEach(async () => {
  for (const table of await tables()) await sql().query(`DROP TABLE \`${database}\`.\`${table}\``);
});

afterEach(() => {
  for (const client of clients) client.destroy();
  clients = [];
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  folders = [];
});

describe('the migration ledger', () => {
  it('applies every migration to an empty database, in order, and records each with its checksum', async () => {
    const dir = folder({ '002_add_note.sql': ADD_NOTE });
    const report = await run(dir);

    expect(report).toEqual({ applied: ['001_create_contact.sql', '002_add_note.sql'], current: ['001_create_contact.sql', '002_add_note.sql'], unknown: [] });
    expect(await tables()).toEqual(['Contact', LEDGER_TABLE, LOCK_TABLE]);
    expect(await columns('Contact')).toContain('note');
    expect((await ledger()).map(({ name, checksum }) => ({ name, checksum }))).toEqual(loadMigrations(dir).map(({ name, checksum }) => ({ name, checksum })));
  });

  it('a second run applies nothing and leaves the ledger as it was', async () => {
    const dir = folder({ '002_add_note.sql': ADD_NOTE });
    await run(dir);
    const before = await ledger();
    const schemaBefore = await createTable();

    const statementsOf = async (work: () => Promise<unknown>) => {
      const before = server.stats().statements;
      await work();
      return server.stats().statements - before;
    };
    let report: Awaited<ReturnType<typeof run>> | undefined;
    const again = await statementsOf(async () => (report = await run(dir)));
    expect(report?.applied).toEqual([]);
    expect(report?.current).toEqual(['001_create_contact.sql', '002_add_note.sql']);
    expect(await ledger()).toEqual(before);
    expect(await createTable()).toBe(schemaBefore);
    // As many calls as a run with no migrations at all: only the runner's own bookkeeping ran.
    expect(again).toBe(await statementsOf(() => runMigrations(executor(), [])));
  });

  it('applies a migration file added later exactly once (an ALTER TABLE that would fail a second time)', async () => {
    const dir = folder();
    expect((await run(dir)).applied).toEqual(['001_create_contact.sql']);
    expect(await columns('Contact')).not.toContain('note');

    writeFileSync(join(dir, '002_add_note.sql'), ADD_NOTE);
    expect((await run(dir)).applied).toEqual(['002_add_note.sql']);
    expect(await columns('Contact')).toContain('note');
    expect((await run(dir)).applied).toEqual([]);
    expect((await ledger()).map((entry) => entry.name)).toEqual(['001_create_contact.sql', '002_add_note.sql']);
  });

  it('runs a file of several statements one statement per Data API call, in order', async () => {
    const dir = folder({
      '002_notes.sql': ['-- Two statements in one file.', ADD_NOTE, 'CREATE INDEX ContactNote ON Contact (note);', ''].join('\n'),
    });
    await run(dir);
    const [indexes] = await sql().query(`SHOW INDEX FROM \`${database}\`.Contact WHERE Key_name = 'ContactNote'`);
    expect((indexes as { Column_name: string }[]).map((index) => index.Column_name)).toEqual(['note']);
  });
});

describe('the migration lock', () => {
  it('lets two concurrent runs apply each migration exactly once: one waits for the other', async () => {
    // The second migration holds the lock for a second, so the two runs surely overlap.
    const dir = folder({ '002_add_note.sql': ADD_NOTE, '003_slow.sql': 'DO SLEEP(1);\n', '004_add_tag.sql': 'ALTER TABLE Contact ADD COLUMN tag INT NULL;\n' });
    const waits: number[] = [];
    const [first, second] = await Promise.all([run(dir, { onWait: (attempt) => waits.push(attempt) }), run(dir, { onWait: (attempt) => waits.push(attempt) })]);

    const all = ['001_create_contact.sql', '002_add_note.sql', '003_slow.sql', '004_add_tag.sql'];
    expect([...first.applied, ...second.applied].sort()).toEqual(all);
    // Each whole set went to one run; the other found it done.
    expect([first.applied, second.applied].map((applied) => applied.length).sort()).toEqual([0, 4]);
    expect(waits.length).toBeGreaterThan(0);
    expect((await ledger()).map((entry) => entry.name)).toEqual(all);
    expect(await columns('Contact')).toEqual(expect.arrayContaining(['note', 'tag']));
  });

  it('holds through a statement longer than the Data API’s transaction idle limit (the heartbeat)', async () => {
    // A server whose transactions idle out after 400 ms: without the heartbeat, the lock would be
    // gone while 003 runs, the second run would apply 004 too, and its ALTER would fail.
    const strict = await startLocalDataApi({ port: 0, mysqlUrl: stack().mysqlUrl, transactionIdleMs: 400 });
    try {
      const dir = folder({
        '002_add_note.sql': ADD_NOTE,
        '003_slow.sql': 'DO SLEEP(1.5);\n',
        '004_add_tag.sql': 'ALTER TABLE Contact ADD COLUMN tag INT NULL;\n',
      });
      const options = { heartbeatMs: 100 };
      const [first, second] = await Promise.all([run(dir, options, executor(strict.url)), run(dir, options, executor(strict.url))]);
      expect([...first.applied, ...second.applied].sort()).toEqual(['001_create_contact.sql', '002_add_note.sql', '003_slow.sql', '004_add_tag.sql']);
      expect(strict.stats().errors.TransactionNotFoundException ?? 0).toBe(0);
      expect(strict.openTransactions()).toBe(0);
    } finally {
      await strict.close();
    }
  });

  it('gives up with a clear error when another run keeps the lock past the time given, and applies nothing', async () => {
    const dir = folder();
    await run(folder()); // the lock table and its row exist
    await sql().query(`DROP TABLE \`${database}\`.Contact`);
    await sql().query(`DELETE FROM \`${database}\`.${LEDGER_TABLE}`);

    const holder = executor();
    const attempt = holder.transaction(async (tx) => {
      await tx.run(`SELECT id FROM ${LOCK_TABLE} WHERE id = 1 FOR UPDATE`);
      const started = Date.now();
      const error = await run(dir, { timeLeftMs: () => 1_000 - (Date.now() - started) }).catch((caught: unknown) => caught);
      return error;
    });
    const error = await attempt;
    expect(error).toBeInstanceOf(MigrationLockError);
    expect((error as Error).message).toMatch(/another migration run still holds schema_migrations_lock/);
    expect(await tables()).not.toContain('Contact');
    expect(await ledger()).toEqual([]);
    // Released with its transaction: the next run goes through.
    expect((await run(dir)).applied).toEqual(['001_create_contact.sql']);
  });
});

describe('databases and files that do not match the ledger', () => {
  it('upgrades a database made by the runner that kept no ledger: 001 is re-run (a no-op) and recorded, rows kept', async () => {
    // What the previous runner left: Contact from 001, with rows, and no ledger.
    for (const statement of loadMigrations(folder()).flatMap((migration) => migration.statements)) await executor().run(statement);
    await sql().query(`INSERT INTO \`${database}\`.Contact (email, linkPrecedence) VALUES ('legacy@ledger.test', 'primary')`);
    const schemaBefore = await createTable();
    expect(await tables()).toEqual(['Contact']);

    const dir = folder({ '002_add_note.sql': ADD_NOTE });
    expect((await run(dir)).applied).toEqual(['001_create_contact.sql', '002_add_note.sql']);
    const [rows] = await sql().query(`SELECT email, linkPrecedence FROM \`${database}\`.Contact`);
    expect(rows).toEqual([{ email: 'legacy@ledger.test', linkPrecedence: 'primary' }]);
    expect(await createTable()).not.toBe(schemaBefore); // 002 did run
    expect((await ledger()).map((entry) => entry.name)).toEqual(['001_create_contact.sql', '002_add_note.sql']);
  });

  it('does not record a migration that fails; the next run retries it and records it once it succeeds', async () => {
    // A unique index the data does not allow yet: it fails on the database, not in the SQL text.
    const dir = folder({ '002_unique_email.sql': 'CREATE UNIQUE INDEX ContactEmailUnique ON Contact (email);\n' });
    await run(folder());
    for (let i = 0; i < 2; i++) await sql().query(`INSERT INTO \`${database}\`.Contact (email, linkPrecedence) VALUES ('twice@ledger.test', 'primary')`);

    const error = (await run(dir).catch((caught: unknown) => caught)) as Error;
    expect(error.name).toBe('DatabaseErrorException');
    expect(error.message).toMatch(/^002_unique_email\.sql, statement 1 of 1: .*Duplicate entry/);
    expect(error.message).toContain('not recorded as applied');
    expect((await ledger()).map((entry) => entry.name)).toEqual(['001_create_contact.sql']);

    await sql().query(`DELETE FROM \`${database}\`.Contact WHERE email = 'twice@ledger.test' ORDER BY id DESC LIMIT 1`);
    expect((await run(dir)).applied).toEqual(['002_unique_email.sql']);
    expect((await ledger()).map((entry) => entry.name)).toEqual(['001_create_contact.sql', '002_unique_email.sql']);
  });

  it('says which statement of a file failed and that the ones before it stay applied (MySQL DDL is not transactional)', async () => {
    const dir = folder({ '002_half.sql': `${ADD_NOTE}ALTER TABLE Contact ADD COLUMN broken NOSUCHTYPE;\n` });
    const error = (await run(dir).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(/^002_half\.sql, statement 2 of 2: /);
    expect(error.message).toContain('statements 1 to 1 stay applied (MySQL DDL is not transactional)');
    expect(await columns('Contact')).toContain('note');
    expect((await ledger()).map((entry) => entry.name)).toEqual(['001_create_contact.sql']);
  });

  it('refuses to run when an applied file was changed, naming it, and applies nothing; a comment edit is no change', async () => {
    const dir = folder();
    await run(dir);
    const path = join(dir, '001_create_contact.sql');
    writeFileSync(path, `-- A comment added later.\n${readFileSync(path, 'utf8')}`);
    writeFileSync(join(dir, '002_add_note.sql'), ADD_NOTE);
    expect((await run(dir)).applied).toEqual(['002_add_note.sql']);

    writeFileSync(path, readFileSync(path, 'utf8').replace('email VARCHAR(255)', 'email VARCHAR(300)'));
    writeFileSync(join(dir, '003_add_tag.sql'), 'ALTER TABLE Contact ADD COLUMN tag INT NULL;\n');
    const error = (await run(dir).catch((caught: unknown) => caught)) as Error;
    expect(error.name).toBe('MigrationPlanError');
    expect(error.message).toMatch(/^001_create_contact\.sql changed after being applied/);
    expect(await columns('Contact')).not.toContain('tag');
  });

  it('reports ledger entries with no file (a rollback to older code) without failing', async () => {
    await run(folder({ '002_add_note.sql': ADD_NOTE }));
    const report = await run(folder());
    expect(report).toEqual({ applied: [], current: ['001_create_contact.sql'], unknown: ['002_add_note.sql'] });
  });
});

describe('the project’s own migrations', () => {
  it('apply from this folder to an empty database, then apply nothing', async () => {
    const first = await runMigrations(executor());
    expect(first.applied).toEqual(loadMigrations().map((migration) => migration.name));
    expect((await runMigrations(executor())).applied).toEqual([]);
  });
});
