import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromAnotherSession, insertPrimary, sql, stack, uniqueDigits, uniqueTag, type Write } from '../../test/support/helpers.js';
import { seedGroup } from '../../test/support/large-group-seeder.js';
import { MysqlExecutor } from '../../test/support/mysql-executor.js';
import type { IdentifyRequest } from '../contacts/model.js';
import { reconcile } from '../contacts/reconcile.js';
import { ContactRepository, type GroupRows } from './contact-repository.js';
import type { SqlExecutor } from './sql-executor.js';

// The locks docs/CONCURRENCY.md's argument rests on, checked on whichever engine the tests run on
// (CI runs them on MariaDB and on MySQL). Each statement runs inside a transaction held open, so its
// locks stay as they are at the end of the statement (in autocommit they last until it ends); a
// second session with innodb_lock_wait_timeout = 1 then tries each write the statement's premises
// must keep out, and each waits and times out (1205). And the statement locked a handful of rows,
// its keys' and groups' ranges, not the table (INNODB_TRX.trx_rows_locked, on both engines), which
// holds at least a group of 2,000 besides.
//
// A lock on a key's range also covers the gap up to the next key in the index, so the rows written
// meanwhile leave every other key NULL, and fences keep those NULLs out of the locked gaps: the
// group below has a phone ('0') and emails ('000…') that sort before any test's, and each test adds
// a primary after its groups, so that none of them is the newest primary.
const executor = MysqlExecutor.create(stack().mysqlUrl, stack().dbName, 4);
beforeAll(() => seedGroup(sql(), { tag: uniqueTag(), size: 2_000, phone: '0', createdAt: '2022-01-01 00:00:00' }));
afterAll(() => executor.close());

class RolledBack extends Error {}

/**
 * Runs `statement` in a transaction (a transaction of the repository's own, as withLockedGroups
 * opens, is this one) and, while its locks are held, checks that it locked a handful of rows and
 * that each of `writes` from another session waits; then rolls it all back.
 */
async function expectEachWaits(statement: (repository: ContactRepository) => Promise<unknown>, writes: Record<string, Write>) {
  await executor
    .transaction(async (tx: SqlExecutor) => {
      const held: SqlExecutor = { run: (text, params) => tx.run(text, params), transaction: (work) => work(held) };
      await statement(new ContactRepository(held));
      const { rows } = await tx.run('SELECT trx_rows_locked FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = CONNECTION_ID()');
      expect(Number(rows[0]?.[0])).toBeLessThan(100);
      expect(await fromAnotherSession(writes)).toEqual(Object.fromEntries(Object.keys(writes).map((name) => [name, 'waits'])));
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
}

const INSERT = 'INSERT INTO Contact (email, phoneNumber, linkedId, linkPrecedence) VALUES (?, ?, ?, ?)';
const secondaryOf = (root: number): Write => [INSERT, [null, null, root, 'secondary']];
const primaryWith = (email: string | null, phone: string | null): Write => [INSERT, [email, phone, null, 'primary']];
const softDelete = (id: number): Write => ['UPDATE Contact SET deletedAt = CURRENT_TIMESTAMP WHERE id = ?', [id]];

async function secondary(email: string, phone: string, root: number): Promise<number> {
  const [result] = await sql().query(INSERT, [email, phone, root, 'secondary']);
  return (result as { insertId: number }).insertId;
}

/** Two groups: George's (a primary and one secondary) and Biff's, with their keys. */
async function twoGroups() {
  const tag = uniqueTag();
  const digits = uniqueDigits();
  const email = (name: string) => `${name}.${tag}@hillvalley.edu`;
  const george = await insertPrimary(email('george'), `${digits}1`);
  const george2 = await secondary(email('george2'), `${digits}1`, george);
  const biff = await insertPrimary(email('biff'), `${digits}2`);
  const biff2 = await secondary(email('biff2'), `${digits}2`, biff);
  await insertPrimary(null, null);
  return { email, digits, george, george2, biff, biff2 };
}

describe('the locks the conditional statements hold (the same on MySQL and MariaDB)', () => {
  it('a new customer: the email and phone ranges, so that a second first-time request waits', async () => {
    const tag = uniqueTag();
    const request: IdentifyRequest = { email: `lorraine.${tag}@hillvalley.edu`, phoneNumber: uniqueDigits() };
    await insertPrimary(null, null);
    await expectEachWaits((repository) => repository.insertPrimaryIfAbsent(request), {
      email: primaryWith(request.email, null),
      phone: primaryWith(null, request.phoneNumber),
    });
  });

  it('a new detail: the primary, its secondaries range and the keys, and no more', async () => {
    const { email, digits, george, george2 } = await twoGroups();
    const group = [george, george2].map((id) => ({
      id,
      email: null,
      phoneNumber: null,
      linkedId: id === george ? null : george,
      linkPrecedence: 'secondary' as const,
    }));
    const request: IdentifyRequest = { email: email('george3'), phoneNumber: `${digits}1` };
    await expectEachWaits((repository) => repository.insertSecondaryIfUnchanged(request, group, george), {
      joinsTheGroup: secondaryOf(george),
      sameEmail: primaryWith(request.email, null),
      samePhone: primaryWith(null, request.phoneNumber),
      deletesThePrimary: softDelete(george),
    });
  });

  it('a merge in one statement: both groups and the keys, the winner untouched by the UPDATE included', async () => {
    const { email, digits, george, george2, biff, biff2 } = await twoGroups();
    const request: IdentifyRequest = { email: email('george'), phoneNumber: `${digits}2` };
    const known: GroupRows = await new ContactRepository(executor).findGroups(request);
    const plan = reconcile(known.rows, request);
    expect(plan.primaryId).toBe(george);
    await expectEachWaits((repository) => repository.relinkGroupsIfUnchanged(request, known, george, plan.relink.length), {
      joinsTheWinner: secondaryOf(george),
      joinsTheLoser: secondaryOf(biff),
      deletesAWinnerSecondary: softDelete(george2),
      deletesALoserSecondary: softDelete(biff2),
      sameEmail: primaryWith(request.email, null),
      samePhone: primaryWith(null, request.phoneNumber),
    });
  });

  it('the locked head of a transactional merge: both groups and the keys, exclusively', async () => {
    const { email, digits, george, george2, biff } = await twoGroups();
    const request: IdentifyRequest = { email: email('george'), phoneNumber: `${digits}2` };
    const known = await new ContactRepository(executor).findGroups(request);
    await expectEachWaits(
      // The lock and the re-check only: `planFor` plans nothing, so nothing is written.
      (repository) => repository.withLockedGroups(request, known, () => ({ primaryId: null, relink: [], insert: false })),
      {
        joinsAGroup: secondaryOf(biff),
        deletesARoot: softDelete(george),
        deletesASecondary: softDelete(george2),
        sameEmail: primaryWith(request.email, null),
        samePhone: primaryWith(null, request.phoneNumber),
      },
    );
  });
});
