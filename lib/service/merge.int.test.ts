import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { countingExecutor, rowsTagged, sql, uniqueDigits, uniqueTag } from '../../test/support/helpers.js';
import type { IdentifyRequest } from '../contacts/model.js';
import { reconcile } from '../contacts/reconcile.js';
import { Conflict } from '../errors.js';
import { RETRY } from '../runtime/container.js';
import { ContactRepository } from '../store/contact-repository.js';
import type { SqlExecutor } from '../store/sql-executor.js';
import { IdentifyService } from './identify-service.js';

// A merge of tidy groups is one conditional UPDATE and its recorded pairing in one transaction (path 2 of docs/CONCURRENCY.md):
// through the real SDK, the local Data API server and MySQL or MariaDB, what it costs, and that it writes
// nothing when the groups moved between the read and the write.
const { executor, calls } = countingExecutor();
const repository = new ContactRepository(executor);
const service = new IdentifyService({ repository, retry: RETRY });

async function identify(email: string | null, phoneNumber: string | null, on = service) {
  calls.length = 0;
  const result = await on.identify({ email, phoneNumber }, { timeLeftMs: () => 20_000 });
  return { ...result, calls: [...calls] };
}

/** George's group (george, george2 on phone 1) and Biff's (biff, biff2 on phone 2), and the merging request. */
async function twoGroups() {
  const tag = uniqueTag();
  const digits = uniqueDigits();
  const email = (name: string) => `${name}.${tag}@hillvalley.edu`;
  const george = await identify(email('george'), `${digits}1`);
  await identify(email('george2'), `${digits}1`);
  const biff = await identify(email('biff'), `${digits}2`);
  await identify(email('biff2'), `${digits}2`);
  const request: IdentifyRequest = { email: email('george'), phoneNumber: `${digits}2` };
  return { tag, digits, email, georgeId: george.response.contact.primaryContactId, biffId: biff.response.contact.primaryContactId, request };
}

type Groups = Awaited<ReturnType<typeof twoGroups>>;

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/** How many pairings record the request's (email, phone), by their hashes. */
async function pairingsOf(request: IdentifyRequest): Promise<number> {
  const [rows] = await sql().query('SELECT COUNT(*) AS n FROM ContactPairing WHERE emailHash = ? AND phoneHash = ?', [
    sha256(request.email!),
    sha256(request.phoneNumber!),
  ]);
  return Number((rows as { n: number }[])[0]!.n);
}

/** A row written behind the service's back: a secondary of `linkedId`, or a primary when it is null. */
function insertRow(email: string, phone: string, linkedId: number | null) {
  return sql().query('INSERT INTO Contact (email, phoneNumber, linkedId, linkPrecedence) VALUES (?, ?, ?, ?)', [
    email,
    phone,
    linkedId,
    linkedId === null ? 'primary' : 'secondary',
  ]);
}

/** Reads and plans the merge as the use case does, lets `meanwhile` change the table, then runs the conditional UPDATE. */
async function mergeAfter(request: IdentifyRequest, meanwhile: () => Promise<unknown>) {
  const read = await repository.findGroups(request);
  const plan = reconcile(read.rows, request);
  await meanwhile();
  return repository.relinkGroupsIfUnchanged(request, read, plan.primaryId!, plan.relink.length);
}

describe('a merge of tidy groups', () => {
  it('is one read and one transaction (the UPDATE and its pairing), and leaves one group under the older primary', async () => {
    const { tag, georgeId, request } = await twoGroups();
    const merged = await identify(request.email, request.phoneNumber);
    expect(merged.outcome).toBe('merged');
    // The recorded pairing must commit with the merge or not at all: the Data API has no multi-statement
    // call, so the floor is the read plus BeginTransaction, UPDATE, INSERT, CommitTransaction.
    expect(merged.calls).toEqual(['ExecuteStatement', 'BeginTransaction', 'ExecuteStatement', 'ExecuteStatement', 'CommitTransaction']);
    const rows = await rowsTagged(tag);
    expect(rows.map((row) => [row.linkPrecedence, row.linkedId])).toEqual([
      ['primary', null],
      ['secondary', georgeId],
      ['secondary', georgeId],
      ['secondary', georgeId],
    ]);
    expect(merged.response.contact.secondaryContactIds).toEqual(rows.slice(1).map((row) => row.id));
    expect(await pairingsOf(request)).toBe(1);
  });

  it.each([
    ['a secondary joined the losing group', (g: Groups) => insertRow(g.email('biff3'), `${g.digits}2`, g.biffId)],
    ['a secondary joined the winning group', (g: Groups) => insertRow(g.email('george3'), `${g.digits}1`, g.georgeId)],
    ['a secondary was soft-deleted', (g: Groups) => sql().query('UPDATE Contact SET deletedAt = CURRENT_TIMESTAMP WHERE linkedId = ?', [g.biffId])],
    [
      'the winning primary was merged into another group',
      (g: Groups) => sql().query(`UPDATE Contact SET linkPrecedence = 'secondary', linkedId = ? WHERE id = ?`, [g.biffId, g.georgeId]),
    ],
    ['a third group took the email', (g: Groups) => insertRow(g.email('george'), `${g.digits}9`, null)],
    [
      'the phone was taken out of the losing group, its links unchanged (an unlink)',
      (g: Groups) => sql().query('UPDATE Contact SET phoneNumber = NULL WHERE phoneNumber = ?', [`${g.digits}2`]),
    ],
  ])('writes nothing and throws Conflict when %s between the read and the write', async (_what, change) => {
    const groups = await twoGroups();
    let before: Awaited<ReturnType<typeof rowsTagged>> = [];
    await expect(
      mergeAfter(groups.request, async () => {
        await change(groups);
        before = await rowsTagged(groups.tag);
      }),
    ).rejects.toBeInstanceOf(Conflict);
    expect(await rowsTagged(groups.tag)).toEqual(before);
    expect(await pairingsOf(groups.request)).toBe(0); // rolled back with the UPDATE
  });

  it('goes round again when the groups moved, and answers the group as it is after the merge', async () => {
    const { tag, email, digits, georgeId, biffId, request } = await twoGroups();
    // The same service, but a secondary joins Biff's group just before its first merge statement runs.
    let joined = false;
    const racing = (inner: SqlExecutor): SqlExecutor => ({
      async run(text, params) {
        if (!joined && /^\s*UPDATE Contact/.test(text)) {
          joined = true;
          await insertRow(email('biff3'), `${digits}2`, biffId);
        }
        return inner.run(text, params);
      },
      transaction: (work) => inner.transaction((tx) => work(racing(tx))),
    });
    const merged = await identify(
      request.email,
      request.phoneNumber,
      new IdentifyService({ repository: new ContactRepository(racing(executor)), retry: RETRY }),
    );
    expect(joined).toBe(true);
    expect(merged.attempts).toBe(2);
    expect(merged.outcome).toBe('merged');
    const rows = await rowsTagged(tag);
    expect(rows).toHaveLength(5);
    expect(rows.every((row) => row.id === georgeId || (row.linkPrecedence === 'secondary' && row.linkedId === georgeId))).toBe(true);
    expect(merged.response.contact.primaryContactId).toBe(georgeId);
    expect(merged.response.contact.emails).toContain(email('biff3'));
    expect(merged.response.contact.secondaryContactIds).toEqual(rows.slice(1).map((row) => row.id));
    expect(await pairingsOf(request)).toBe(1); // recorded once, by the locked path
  });
});
