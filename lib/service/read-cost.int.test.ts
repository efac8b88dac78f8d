import { afterAll, describe, expect, it } from 'vitest';
import { sql, stack, uniqueDigits, uniqueTag } from '../../test/support/helpers.js';
import { seedGroup } from '../../test/support/large-group-seeder.js';
import { MysqlExecutor } from '../../test/support/mysql-executor.js';
import { RETRY } from '../runtime/container.js';
import { ContactRepository } from '../store/contact-repository.js';
import { IdentifyService } from './identify-service.js';

// An ordinary customer's statements keep to their indexes: the rows InnoDB reads for them do not
// grow with the table. Counted by the server itself (Handler_read_*, per session) on one connection,
// beside a group of 20,000 contacts and every other test's rows. A plan that walks a whole index
// (as `linkedId IN (subquery) ORDER BY id LIMIT n` once did) reads tens of thousands of rows here.
const executor = MysqlExecutor.create(stack().mysqlUrl, stack().dbName, 1);
const repository = new ContactRepository(executor);
const service = new IdentifyService({ repository, retry: RETRY });
afterAll(() => executor.close());

async function handlerReads(): Promise<number> {
  const { rows } = await executor.run("SHOW SESSION STATUS LIKE 'Handler_read%'");
  return rows.reduce((sum, row) => sum + Number(row[1]), 0);
}

/** Rows the server read for `work`, less what reading the counters itself costs. */
async function rowsReadBy(work: () => Promise<unknown>): Promise<number> {
  const a = await handlerReads();
  const b = await handlerReads();
  await work();
  const c = await handlerReads();
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
