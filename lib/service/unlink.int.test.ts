import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectGroupsAreComponents } from '../../test/support/components.js';
import { countingExecutor, sql, uniqueDigits, uniqueTag } from '../../test/support/helpers.js';
import { seedGroup } from '../../test/support/large-group-seeder.js';
import { reconcile } from '../contacts/reconcile.js';
import { BadInput, Conflict } from '../errors.js';
import { RETRY } from '../runtime/container.js';
import { ContactRepository } from '../store/contact-repository.js';
import { PrivacyRepository, type UnlinkRequest } from '../store/privacy-repository.js';
import { IdentifyService } from './identify-service.js';
import { LookupService } from './lookup-service.js';
import { PrivacyService } from './privacy-service.js';

// POST /unlink through the real SDK, the local Data API server and the database: the contract's
// worked example, the junk-phone story, a value nobody holds, and a phone holding 100,000 contacts.
const { executor, calls } = countingExecutor();
const contacts = new ContactRepository(executor);
const identifyService = new IdentifyService({ repository: contacts, retry: RETRY });
const lookupService = new LookupService({ repository: contacts, retry: RETRY });
const privacy = new PrivacyService({ repository: new PrivacyRepository(executor), retry: RETRY });
const call = { timeLeftMs: () => 60_000 };

const identify = (email: string | null, phoneNumber: string | null) => identifyService.identify({ email, phoneNumber }, call);
const lookup = (email: string | null, phoneNumber: string | null) => lookupService.lookup({ email, phoneNumber }, call);
const unlink = (request: UnlinkRequest, block = false, requestId = uniqueTag()) =>
  privacy.unlink(request, block, { caller: 'arn:aws:iam::123456789012:user/data-steward', requestId }, call);
const email = (value: string): UnlinkRequest => ({ email: value, phoneNumber: null });
const phone = (value: string): UnlinkRequest => ({ email: null, phoneNumber: value });

/** The rows with these ids as the table holds them: [id, email, phone, linkedId, precedence, deleted]. */
async function rowsOf(ids: number[]) {
  const [rows] = await sql().query(
    'SELECT id, email, phoneNumber, linkedId, linkPrecedence, deletedAt IS NOT NULL AS deleted FROM Contact WHERE id IN (?) ORDER BY id',
    [ids],
  );
  return (rows as { id: number; email: string | null; phoneNumber: string | null; linkedId: number | null; linkPrecedence: string; deleted: number }[]).map(
    (row) => [row.id, row.email, row.phoneNumber, row.linkedId, row.linkPrecedence, Number(row.deleted)],
  );
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

async function isBlocked(kind: 'email' | 'phone', value: string): Promise<boolean> {
  const [rows] = await sql().query('SELECT COUNT(*) AS n FROM BlockedValue WHERE kind = ? AND valueHash = ?', [kind, sha256(value)]);
  return Number((rows as { n: number }[])[0]!.n) === 1;
}

/** The contract's example: rows (a, 1) and (b, 2), merged by /identify {a, 2} with no new row, which records (a, 2). */
async function contractExample() {
  const tag = uniqueTag();
  const digits = uniqueDigits();
  const a = `a.${tag}@x.io`;
  const b = `b.${tag}@x.io`;
  const [one, two] = [`${digits}1`, `${digits}2`];
  const first = (await identify(a, one)).response.contact.primaryContactId;
  const second = (await identify(b, two)).response.contact.primaryContactId;
  const merged = await identify(a, two);
  expect(merged.outcome).toBe('merged');
  expect(merged.response.contact.secondaryContactIds).toEqual([second]); // no new row
  return { a, b, one, two, first, second };
}

describe('POST /unlink', () => {
  it('the contract example, unlinking the phone 1: one group is left, as a and 2 are still paired', async () => {
    const { a, b, one, two, first, second } = await contractExample();
    const requestId = uniqueTag();
    expect(await unlink(phone(one), false, requestId)).toEqual({ contacts: 1, primaryContactIds: [first] });
    expect(await rowsOf([first, second])).toEqual([
      [first, a, null, null, 'primary', 0],
      [second, b, two, first, 'secondary', 0],
    ]);
    const [records] = await sql().query('SELECT route, caller, answer FROM AuditRecord WHERE requestId = ?', [requestId]);
    expect(records).toEqual([
      {
        route: 'unlink',
        caller: 'arn:aws:iam::123456789012:user/data-steward',
        answer: JSON.stringify({ unlinked: { contacts: 1, primaryContactIds: [first] } }),
      },
    ]);
  });

  it('the contract example, unlinking the email a: it splits into (–, 1) and (b, 2), and the pairing is gone', async () => {
    const { a, b, one, two, first, second } = await contractExample();
    expect(await unlink(email(a))).toEqual({ contacts: 2, primaryContactIds: [first, second] });
    expect(await rowsOf([first, second])).toEqual([
      [first, null, one, null, 'primary', 0],
      [second, b, two, null, 'primary', 0],
    ]);
    const [pairings] = await sql().query('SELECT COUNT(*) AS n FROM ContactPairing WHERE emailHash = ?', [sha256(a)]);
    expect(pairings).toEqual([{ n: 0 }]);
    expect((await lookup(null, two)).contacts.map((group) => group.primaryContactId)).toEqual([second]);
  });

  it('the junk phone: five customers held by the shop’s phone, unlinked with block, are each alone, and the phone is blocked', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const junk = `${digits}0`;
    const customers = [1, 2, 3, 4, 5].map((n) => ({ email: `c${n}.${tag}@x.io`, own: `${digits}${n}` }));
    for (const customer of customers) {
      await identify(customer.email, junk);
      await identify(customer.email, customer.own);
    }
    const before = await lookup(null, junk);
    expect(before.contacts).toHaveLength(1);
    expect(before.contacts[0]!.emails).toHaveLength(5);

    const unlinked = await unlink(phone(junk), true);
    expect(unlinked.primaryContactIds).toHaveLength(5);
    expect(unlinked.contacts).toBe(9); // five rows lost the phone; the second rows of customers 2 to 5 were re-pointed
    for (const customer of customers) {
      const groups = (await lookup(customer.email, null)).contacts;
      expect(groups).toHaveLength(1);
      expect(groups[0]!.emails).toEqual([customer.email]);
      expect(groups[0]!.phoneNumbers).toEqual([customer.own]);
      expect(unlinked.primaryContactIds).toContain(groups[0]!.primaryContactId);
    }
    expect(await isBlocked('phone', junk)).toBe(true);
    await expect(lookup(null, junk)).rejects.toBeInstanceOf(BadInput); // a request whose only value is blocked
    // The phone links nobody again: a new customer typing it is alone.
    const newcomer = await identify(`c6.${tag}@x.io`, junk);
    expect(newcomer.response.contact.emails).toEqual([`c6.${tag}@x.io`]);
    expect(newcomer.response.contact.phoneNumbers).toEqual([]);
  });

  it('deletes a row left with neither an email nor a phone, and keeps the rest together', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const lone = `${digits}9`;
    const primary = (await identify(`p.${tag}@x.io`, `${digits}1`)).response.contact.primaryContactId;
    const onlyPhone = (await identify(null, lone)).response.contact.primaryContactId;
    await identify(`p.${tag}@x.io`, lone); // merges the phone-only row into p's group
    const unlinked = await unlink(phone(lone));
    expect(unlinked).toEqual({ contacts: 1, primaryContactIds: [primary] });
    expect((await rowsOf([onlyPhone]))[0]).toEqual([onlyPhone, null, null, primary, 'secondary', 1]);
  });

  it('answers contacts 0 for a value nobody holds, and with block still blocks it', async () => {
    const value = `nobody.${uniqueTag()}@x.io`;
    expect(await unlink(email(value), true)).toEqual({ contacts: 0, primaryContactIds: [] });
    expect(await isBlocked('email', value)).toBe(true);
  });

  it('reaches rows that hold a blocked value', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const shared = `${digits}0`;
    const x = (await identify(`x.${tag}@x.io`, shared)).response.contact.primaryContactId;
    const y = (await identify(`y.${tag}@x.io`, shared)).response.contact.secondaryContactIds[0]!;
    await privacy.block({ email: null, phoneNumber: shared }, { caller: null, requestId: null }, call);
    expect(await unlink(phone(shared))).toEqual({ contacts: 2, primaryContactIds: [x, y] });
    expect(await rowsOf([x, y])).toEqual([
      [x, `x.${tag}@x.io`, null, null, 'primary', 0],
      [y, `y.${tag}@x.io`, null, null, 'primary', 0],
    ]);
  });

  it('splits a junk phone holding 100,000 contacts into 100,000 groups, within the Data API limits', async () => {
    const junk = uniqueDigits();
    const group = await seedGroup(sql(), { tag: uniqueTag(), size: 100_000, phone: junk, createdAt: '2020-01-01 00:00:00' });
    await sql().query('UPDATE Contact SET phoneNumber = ? WHERE linkedId = ?', [junk, group.primaryId]);
    calls.length = 0;
    const started = performance.now();
    const unlinked = await unlink(phone(junk), true);
    const ms = performance.now() - started;
    console.info(`unlink of a phone holding 100,000 contacts: ${Math.round(ms)} ms, ${calls.length} Data API calls`);
    expect(unlinked.contacts).toBe(100_000);
    expect(unlinked.primaryContactIds).toHaveLength(100_000);
    expect(unlinked.primaryContactIds[0]).toBe(group.primaryId);
    const [left] = await sql().query(
      "SELECT COUNT(*) AS n FROM Contact WHERE (id = ? OR linkedId = ?) OR (phoneNumber = ?) OR (id IN (?) AND (linkPrecedence <> 'primary' OR deletedAt IS NOT NULL))",
      [group.primaryId, group.primaryId, junk, unlinked.primaryContactIds.slice(0, 1000)],
    );
    expect((left as { n: number }[])[0]!.n).toBe(1); // the old primary, now a primary of its own and nothing else
    // Measured 40 here (MariaDB 10.11): the roots, Begin, the locked head, the roots' rows, about 30
    // pages of rows (each within 1 MiB), the pairings, the UPDATE, 3 chunks of new links, the
    // pairings' DELETE, the block, the audit record, Commit.
    expect(calls.length).toBeLessThanOrEqual(50);
  }, 120_000);
});

describe('POST /unlink racing with /identify', () => {
  it('an identify that read a group through a value an unlink then took out writes nothing, on either path, and starts over', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const junk = `${digits}0`;
    await identify(`x.${tag}@x.io`, junk);
    const request = { email: `y.${tag}@x.io`, phoneNumber: junk };
    const read = await contacts.findGroups(request); // the group of x, through the phone
    expect(read.rows).toHaveLength(1);
    await unlink(phone(junk)); // x keeps its row and its links, but not the phone
    await expect(contacts.withLockedGroups(request, read, (rows) => reconcile(rows, request))).rejects.toBeInstanceOf(Conflict);
    // Nor does its first, conditional insert link the new detail to x's group: the phone is not there any more.
    await expect(contacts.insertSecondaryIfUnchanged(request, read.rows, read.roots[0]!)).rejects.toBeInstanceOf(Conflict);
    const [rows] = await sql().query('SELECT COUNT(*) AS n FROM Contact WHERE email = ?', [request.email]);
    expect(rows).toEqual([{ n: 0 }]);
    // Read again, the request finds nobody: a new customer, alone.
    expect((await identify(request.email, junk)).response.contact.emails).toEqual([request.email]);
  });

  it('leaves groups that are exactly the connected components of shared values and pairings, with no chain and the oldest as primary', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const junk = `${digits}0`;
    const customer = (n: number) => `r${n}.${tag}@x.io`;
    for (const n of [1, 2, 3, 4]) await identify(customer(n), junk);
    // Identifies that would link through the phone, merge pairs, or add details, racing with two unlinks of it.
    const racing = [
      unlink(phone(junk)),
      ...[1, 2, 3, 4, 5, 6].map((n) => identify(customer(n), junk)),
      ...[1, 2, 3].map((n) => identify(customer(n), `${digits}${n}`)),
      identify(customer(1), `${digits}2`),
      unlink(phone(junk)),
      identify(customer(5), `${digits}3`),
    ];
    const settled = await Promise.allSettled(racing);
    expect(settled.filter((result) => result.status === 'rejected')).toEqual([]);
    await expectGroupsAreComponents(`%.${tag}@x.io`, [junk, `${digits}1`, `${digits}2`, `${digits}3`]);
  }, 60_000);
});
