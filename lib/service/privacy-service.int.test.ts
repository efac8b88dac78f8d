import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { countingExecutor, rowsTagged, sql, uniqueDigits, uniqueTag } from '../../test/support/helpers.js';
import { seedGroup } from '../../test/support/large-group-seeder.js';
import { BadInput } from '../errors.js';
import { RETRY } from '../runtime/container.js';
import { ContactRepository } from '../store/contact-repository.js';
import { PrivacyRepository } from '../store/privacy-repository.js';
import { IdentifyService } from './identify-service.js';
import { LookupService } from './lookup-service.js';
import { PrivacyService } from './privacy-service.js';

// /erase, /block and /unblock through the real SDK, the local Data API server and the database:
// what each writes (tombstones, hashes, audit records), what stays in clear (nothing erased), and how
// stored blocked values act in /identify and /lookup.
const { executor, calls } = countingExecutor();
const contacts = new ContactRepository(executor);
const identifyService = new IdentifyService({ repository: contacts, retry: RETRY });
const lookupService = new LookupService({ repository: contacts, retry: RETRY });
const privacy = new PrivacyService({ repository: new PrivacyRepository(executor), retry: RETRY });
const call = { timeLeftMs: () => 20_000 };
const audit = (requestId: string) => ({ caller: 'arn:aws:iam::123456789012:user/privacy-tool', requestId });

const identify = (email: string | null, phoneNumber: string | null) => identifyService.identify({ email, phoneNumber }, call);
const lookup = (email: string | null, phoneNumber: string | null) => lookupService.lookup({ email, phoneNumber }, call);
const erase = (email: string | null, phoneNumber: string | null, suppress = false, requestId = uniqueTag()) =>
  privacy.erase({ email, phoneNumber }, suppress, audit(requestId), call);
const block = (email: string | null, phoneNumber: string | null) => privacy.block({ email, phoneNumber }, audit(uniqueTag()), call);
const unblock = (email: string | null, phoneNumber: string | null) => privacy.unblock({ email, phoneNumber }, audit(uniqueTag()), call);

const sha256 = (value: string) => createHash('sha256').update(value).digest();

async function blockedHashes(): Promise<Buffer[]> {
  const [rows] = await sql().query('SELECT valueHash FROM BlockedValue');
  return (rows as { valueHash: Buffer }[]).map((row) => row.valueHash);
}

async function auditOf(requestId: string) {
  const [rows] = await sql().query('SELECT route, caller, requestId, answer FROM AuditRecord WHERE requestId = ?', [requestId]);
  return rows as { route: string; caller: string; requestId: string; answer: string }[];
}

describe('POST /erase', () => {
  it('erases every group that holds a value: tombstones keep their ids, no email or phone, and an audit record', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    await identify(`george.${tag}@x.io`, `${digits}1`);
    const george = await identify(`george2.${tag}@x.io`, `${digits}1`);
    const biff = await identify(`biff.${tag}@x.io`, `${digits}2`);
    const requestId = uniqueTag();
    const erased = await erase(`george.${tag}@x.io`, `${digits}2`, false, requestId);
    expect(erased).toEqual({ contacts: 3, primaryContactIds: [george.response.contact.primaryContactId, biff.response.contact.primaryContactId] });
    const ids = [george.response.contact.primaryContactId, ...george.response.contact.secondaryContactIds, biff.response.contact.primaryContactId];
    const [rows] = await sql().query('SELECT id, email, phoneNumber, deletedAt FROM Contact WHERE id IN (?) ORDER BY id', [ids]);
    expect(rows).toHaveLength(3);
    for (const row of rows as { email: string | null; phoneNumber: string | null; deletedAt: string | null }[]) {
      expect(row).toMatchObject({ email: null, phoneNumber: null });
      expect(row.deletedAt).not.toBeNull();
    }
    const [record] = await auditOf(requestId);
    expect(record).toMatchObject({ route: 'erase', caller: 'arn:aws:iam::123456789012:user/privacy-tool', requestId });
    expect(JSON.parse(record!.answer)).toEqual({ erased });
    expect(record!.answer).not.toContain(tag);
    // Gone for matching: the same email is a new customer now.
    expect((await identify(`george.${tag}@x.io`, null)).outcome).toBe('created');
  });

  it('answers 0 for values no live contact holds, and repeating an erasure is harmless', async () => {
    const tag = uniqueTag();
    await identify(`once.${tag}@x.io`, null);
    expect((await erase(`once.${tag}@x.io`, null)).contacts).toBe(1);
    expect(await erase(`once.${tag}@x.io`, null)).toEqual({ contacts: 0, primaryContactIds: [] });
    expect(await rowsTagged(tag)).toEqual([]);
  });

  it('with suppress, blocks every value the groups held and the given ones, as hashes only', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    await identify(`lorraine.${tag}@x.io`, `${digits}1`);
    await identify(`mcfly.${tag}@x.io`, `${digits}1`);
    await erase(`lorraine.${tag}@x.io`, `${digits}9`, true);
    const hashes = (await blockedHashes()).map((hash) => hash.toString('hex'));
    for (const value of [`lorraine.${tag}@x.io`, `mcfly.${tag}@x.io`, `${digits}1`, `${digits}9`]) expect(hashes).toContain(sha256(value).toString('hex'));
    // Not linked again until unblocked: a request with only suppressed values is refused, writing nothing.
    await expect(identify(`mcfly.${tag}@x.io`, `${digits}1`)).rejects.toBeInstanceOf(BadInput);
    expect(await rowsTagged(tag)).toEqual([]);
  });

  it('reaches rows that hold a blocked value', async () => {
    const digits = uniqueDigits();
    await identify(null, `${digits}5`);
    await block(null, `${digits}5`);
    expect((await erase(null, `${digits}5`)).contacts).toBe(1);
  });

  it('erases a group of 100,000 contacts whole, within the Data API limits', async () => {
    const phone = uniqueDigits();
    const tag = uniqueTag();
    const group = await seedGroup(sql(), { tag, size: 100_000, phone, createdAt: '2020-01-01 00:00:00' });
    calls.length = 0;
    const erased = await erase(null, phone, true);
    expect(erased).toEqual({ contacts: 100_000, primaryContactIds: [group.primaryId] });
    const [left] = await sql().query('SELECT COUNT(*) AS n FROM Contact WHERE (id = ? OR linkedId = ?) AND (email IS NOT NULL OR deletedAt IS NULL)', [
      group.primaryId,
      group.primaryId,
    ]);
    expect((left as { n: number }[])[0]!.n).toBe(0);
    // Whatever the size: the roots, then one transaction (begin, lock, suppress, version, pairings, tombstones, audit, commit).
    expect(calls).toEqual([
      'ExecuteStatement',
      'BeginTransaction',
      'ExecuteStatement',
      'ExecuteStatement',
      'ExecuteStatement',
      'ExecuteStatement',
      'ExecuteStatement',
      'ExecuteStatement',
      'CommitTransaction',
    ]);
  }, 120_000);
});

describe('stored blocked values', () => {
  it('block counts the values newly blocked, unblock those removed, each with an audit record', async () => {
    const tag = uniqueTag();
    expect(await block(`junk.${tag}@x.io`, '+1 555 0100')).toBe(2);
    expect(await block(`junk.${tag}@x.io`, null)).toBe(0);
    expect(await unblock(`junk.${tag}@x.io`, null)).toBe(1);
    expect(await unblock(`junk.${tag}@x.io`, null)).toBe(0);
    expect(await unblock(null, '+1 555 0100')).toBe(1);
  });

  it('act as configured ones in /identify and /lookup: never matched, stored or answered', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const shop = `${digits}0`;
    const alice = await identify(`alice.${tag}@x.io`, shop);
    await block(null, shop);
    // Matched by nobody: bob with the shop's phone is a new customer on his own, and the phone is not stored.
    const bob = await identify(`bob.${tag}@x.io`, shop);
    expect(bob.response.contact).toMatchObject({ emails: [`bob.${tag}@x.io`], phoneNumbers: [], secondaryContactIds: [] });
    expect(bob.response.contact.primaryContactId).not.toBe(alice.response.contact.primaryContactId);
    expect((await rowsTagged(shop)).map((row) => row.email)).toEqual([`alice.${tag}@x.io`]);
    // Never answered, though alice's row keeps it.
    expect((await identify(`alice.${tag}@x.io`, null)).response.contact.phoneNumbers).toEqual([]);
    expect((await lookup(`alice.${tag}@x.io`, null)).contacts[0]!.phoneNumbers).toEqual([]);
    await expect(lookup(null, shop)).rejects.toBeInstanceOf(BadInput);
    // Unblocked, it links again.
    await unblock(null, shop);
    expect((await identify(null, shop)).response.contact.primaryContactId).toBe(alice.response.contact.primaryContactId);
  });
});

describe('after an erasure', () => {
  it('no erased email or phone is left in clear anywhere in the database', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const values = [`erased.${tag}@x.io`, `other.${tag}@x.io`, `${digits}1`, `${digits}2`];
    await identify(values[0]!, values[2]!);
    await identify(values[1]!, values[2]!);
    await identify(values[1]!, values[3]!);
    await erase(values[0]!, null, true);
    const dumped = await dumpDatabase();
    expect(dumped.length).toBeGreaterThan(0);
    for (const value of values) expect(dumped, value).not.toContain(value);
  });

  it('without suppress, neither a value nor its hash is left: the pairing of the merge is gone too', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const values = [`paired.${tag}@x.io`, `other.${tag}@x.io`, `${digits}1`, `${digits}2`];
    await identify(values[0]!, values[2]!);
    await identify(values[1]!, values[3]!);
    await identify(values[0]!, values[3]!); // merges the two groups with no new row: records (paired, …2)
    const pairings = () =>
      sql().query('SELECT COUNT(*) AS n FROM ContactPairing WHERE emailHash = ? AND phoneHash = ?', [sha256(values[0]!), sha256(values[3]!)]);
    expect((await pairings())[0]).toEqual([{ n: 1 }]);
    await erase(values[1]!, null); // a value of the group that the pairing does not hold
    expect((await pairings())[0]).toEqual([{ n: 0 }]);
    const dumped = await dumpDatabase();
    for (const value of values) {
      expect(dumped, value).not.toContain(value);
      expect(dumped, value).not.toContain(sha256(value).toString('hex'));
    }
  });
});

/** Every row of every table, as one string, binary columns as hex. */
async function dumpDatabase(): Promise<string> {
  const [tables] = await sql().query('SHOW TABLES');
  let dumped = '';
  for (const table of (tables as Record<string, string>[]).map((row) => Object.values(row)[0]!)) {
    const [rows] = await sql().query(`SELECT * FROM \`${table}\``);
    dumped += JSON.stringify(rows, (_key, value) => (Buffer.isBuffer(value) ? value.toString('hex') : value));
  }
  return dumped;
}
