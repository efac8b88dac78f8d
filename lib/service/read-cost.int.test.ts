import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase, ensureDatabase } from '../../infra/local/mysql.js';
import { sql, stack, uniqueDigits, uniqueTag } from '../../test/support/helpers.js';
import { seedGroup } from '../../test/support/large-group-seeder.js';
import { MysqlExecutor } from '../../test/support/mysql-executor.js';
import { reconcile } from '../contacts/reconcile.js';
import { RETRY } from '../runtime/container.js';
import { ContactRepository } from '../store/contact-repository.js';
import { runMigrations } from '../store/migrations/index.js';
import { IdentifyService } from './identify-service.js';

// An ordinary customer's statements keep to their indexes: the rows InnoDB reads for them do not
// grow with the table. Counted by the server itself (Handler_read_*, per session) on one connection,
// beside a group of 20,000 contacts and every other test's rows. A plan that walks a whole index
// (as `linkedId IN (subquery) ORDER BY id LIMIT n` once did) reads tens of thousands of rows here.
const executor = MysqlExecutor.create(stack().mysqlUrl, stack().dbName, 1);
const repository = new ContactRepository(executor);
const service = new IdentifyService({ repository, retry: RETRY });
afterAll(() => executor.close());

async function handlerReads(on: MysqlExecutor): Promise<number> {
  const { rows } = await on.run("SHOW SESSION STATUS LIKE 'Handler_read%'");
  return rows.reduce((sum, row) => sum + Number(row[1]), 0);
}

/** Rows the server read for `work`, less what reading the counters itself costs. */
async function rowsReadBy(work: () => Promise<unknown>, on = executor): Promise<number> {
  const a = await handlerReads(on);
  const b = await handlerReads(on);
  await work();
  const c = await handlerReads(on);
  return c - b - (b - a);
}

describe('what an ordinary request reads', () => {
  it('stays a handful of index entries beside a 20,000 contact group', async () => {
    await seedGroup(sql(), { tag: uniqueTag(), size: 20_000, createdAt: '2022-01-01 00:00:00' });
    const tag = uniqueTag();
    const customer = { email: `cost.${tag}@example.com`, phoneNumber: uniqueDigits() };
    await repository.insertPrimaryIfAbsent(customer);
    const primary = (await repository.findGroups(customer)).rows[0]!;
    const detail = { email: `cost2.${tag}@example.com`, phoneNumber: customer.phoneNumber };

    const reads = {
      repeat: await rowsReadBy(() => repository.findGroups(customer)),
      newCustomer: await rowsReadBy(() => repository.insertPrimaryIfAbsent({ email: `cost3.${tag}@example.com`, phoneNumber: uniqueDigits() })),
      newDetail: await rowsReadBy(() => repository.insertSecondaryIfUnchanged(detail, [primary], primary.id)),
    };
    for (const [kind, rows] of Object.entries(reads)) expect(rows, kind).toBeLessThan(100);
  });

  it('stays a handful for a merge of two small groups, locks included', async () => {
    const tag = uniqueTag();
    const older = { email: `merge1.${tag}@example.com`, phoneNumber: uniqueDigits() };
    const newer = { email: `merge2.${tag}@example.com`, phoneNumber: uniqueDigits() };
    await repository.insertPrimaryIfAbsent(older);
    await repository.insertPrimaryIfAbsent(newer);
    const call = { timeLeftMs: () => 30_000 };
    let outcome = '';
    const rows = await rowsReadBy(async () => {
      outcome = (await service.identify({ email: older.email, phoneNumber: newer.phoneNumber }, call)).outcome;
    });
    expect(outcome).toBe('merged');
    expect(rows).toBeLessThan(200);
  });
});

// The same, on a table whose statistics say "one group is most of the table": a database of its own
// (fixed statistics, whatever the other tests write), a group of 58,500 contacts and one of 1,500
// whose ids are spread among them, ANALYZE TABLE. There MySQL 8+'s optimizer, left to itself,
// joins the first read's roots to a full table scan (a hash join), walks the primary key for a
// page's `ORDER BY id LIMIT n` (reading every other group's rows between, and locking them FOR
// UPDATE), and MariaDB scans the table for a locked head; the statements name their index instead.
describe('what a request reads when one group is most of the table (MySQL and MariaDB plan this differently)', () => {
  const database = `identify_plans_${process.pid}`;
  let skewed: MysqlExecutor;
  let skewedRepository: ContactRepository;
  let medium: { email: string; size: number };

  beforeAll(async () => {
    await ensureDatabase(stack().mysqlUrl, database);
    // The migration lock holds a transaction open while the migrations run on other connections.
    const migrator = MysqlExecutor.create(stack().mysqlUrl, database, 2);
    await runMigrations(migrator).finally(() => migrator.close());
    skewed = MysqlExecutor.create(stack().mysqlUrl, database, 1);
    const pool = mysql.createPool({ uri: stack().mysqlUrl, database, connectionLimit: 1 });
    try {
      const big = await seedGroup(pool, { tag: 'big', size: 60_000, createdAt: '2022-01-01 00:00:00' });
      const root = await seedGroup(pool, { tag: 'medium', size: 1, createdAt: '2021-06-01 00:00:00' });
      const [moved] = await pool.query('UPDATE Contact SET linkedId = ? WHERE linkedId = ? AND id MOD 40 = 0', [root.primaryId, big.primaryId]);
      medium = { email: root.primaryEmail, size: 1 + (moved as { affectedRows: number }).affectedRows };
      await pool.query('ANALYZE TABLE Contact');
    } finally {
      await pool.end();
    }
    skewedRepository = new ContactRepository(skewed);
  }, 120_000);
  afterAll(async () => {
    await skewed?.close();
    await dropDatabase(stack().mysqlUrl, database);
  });

  it('keeps an ordinary customer to a handful of index entries, locked merge included', async () => {
    const read = (work: () => Promise<unknown>) => rowsReadBy(work, skewed);
    const customer = { email: 'doc@hillvalley.edu', phoneNumber: '1955' };
    const other = { email: 'marty@hillvalley.edu', phoneNumber: '1985' };
    await skewedRepository.insertPrimaryIfAbsent(customer);
    await skewedRepository.insertPrimaryIfAbsent(other);
    const group = await skewedRepository.findGroups(customer);
    const merge = { email: customer.email, phoneNumber: other.phoneNumber };
    const known = await skewedRepository.findGroups(merge);
    const reads = {
      repeat: await read(() => skewedRepository.findGroups(customer)),
      newCustomer: await read(() => skewedRepository.insertPrimaryIfAbsent({ email: 'biff@hillvalley.edu', phoneNumber: '2015' })),
      newDetail: await read(() =>
        skewedRepository.insertSecondaryIfUnchanged({ email: 'emmett@hillvalley.edu', phoneNumber: '1955' }, group.rows, group.rows[0]!.id),
      ),
      lockedMerge: await read(() => skewedRepository.withLockedGroups(merge, known, (rows) => reconcile(rows, merge))),
    };
    for (const [kind, rows] of Object.entries(reads)) expect(rows, kind).toBeLessThan(200);
  });

  it('reads a group of 1,500 page by page along its index, not along the table', async () => {
    const request = { email: medium.email, phoneNumber: null };
    let rows = 0;
    const plain = await rowsReadBy(async () => {
      rows = (await skewedRepository.findGroups(request)).rows.length;
    }, skewed);
    expect(rows).toBe(medium.size);
    const known = await skewedRepository.findGroups(request);
    const locked = await rowsReadBy(
      () => skewedRepository.withLockedGroups({ ...request, phoneNumber: '88' }, known, (locked) => reconcile(locked, request)),
      skewed,
    );
    // Along ContactLinkedId: the group's rows a few times over (sorts and temporary tables count too).
    // Along the primary key, the whole index or the table: 60,000 and more.
    expect(plain).toBeLessThan(10 * medium.size);
    expect(locked).toBeLessThan(10 * medium.size);
  });
});
