import { describe, expect, it } from 'vitest';
import { repository, rowsTagged, sql, uniqueDigits, uniqueTag } from '../../test/support/helpers.js';
import type { IdentifyRequest } from '../contacts/model.js';
import { RETRY } from '../runtime/container.js';
import { IdentifyService } from './identify-service.js';

// The use case and the repository through the real SDK client, the local Data API server and MySQL or MariaDB.
const service = new IdentifyService({ repository: repository(), retry: RETRY });
const identify = (email: string | null, phoneNumber: string | null) =>
  service.identify({ email, phoneNumber } satisfies IdentifyRequest, { timeLeftMs: () => 20_000 });

function fixture() {
  const tag = uniqueTag();
  const digits = uniqueDigits();
  return { email: (name: string) => `${name}.${tag}@hillvalley.edu`, phone: (n: number) => `${digits}${n}`, tag, digits };
}

async function groupRows(f: ReturnType<typeof fixture>) {
  const byEmail = await rowsTagged(f.tag);
  const byPhone = await rowsTagged(f.digits);
  const all = new Map([...byEmail, ...byPhone].map((row) => [row.id, row]));
  return [...all.values()].sort((a, b) => a.id - b.id);
}

describe('IdentifyService over the Data API', () => {
  it('inserts a new primary for a new customer', async () => {
    const f = fixture();
    const result = await identify(f.email('doc'), f.phone(1));
    expect(result.outcome).toBe('created');
    const rows = await groupRows(f);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: f.email('doc'), phoneNumber: f.phone(1), linkedId: null, linkPrecedence: 'primary' });
    expect(result.response).toEqual({
      contact: { primaryContactId: rows[0]!.id, emails: [f.email('doc')], phoneNumbers: [f.phone(1)], secondaryContactIds: [] },
    });
  });

  it('inserts a secondary for a new detail and answers the whole group', async () => {
    const f = fixture();
    const first = await identify(f.email('lorraine'), f.phone(1));
    const second = await identify(f.email('mcfly'), f.phone(1));
    const primaryId = first.response.contact.primaryContactId;
    expect(second.outcome).toBe('linked');
    const rows = await groupRows(f);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ email: f.email('mcfly'), phoneNumber: f.phone(1), linkedId: primaryId, linkPrecedence: 'secondary' });
    expect(second.response.contact).toEqual({
      primaryContactId: primaryId,
      emails: [f.email('lorraine'), f.email('mcfly')],
      phoneNumbers: [f.phone(1)],
      secondaryContactIds: [rows[1]!.id],
    });
  });

  it('writes nothing for a request that brings nothing new, and repeats answer the same', async () => {
    const f = fixture();
    await identify(f.email('lorraine'), f.phone(1));
    await identify(f.email('mcfly'), f.phone(1));
    const before = await groupRows(f);
    const answers = [
      await identify(f.email('mcfly'), f.phone(1)),
      await identify(f.email('lorraine'), null),
      await identify(null, f.phone(1)),
      await identify(f.email('mcfly'), null),
      await identify(f.email('lorraine'), f.phone(1)),
    ];
    expect(await groupRows(f)).toEqual(before);
    for (const answer of answers) {
      expect(answer.outcome).toBe('read');
      expect(answer.response).toEqual(answers[0]!.response);
    }
  });

  it('merges two groups: the older primary stays, the newer one and its secondaries are re-pointed (no chains)', async () => {
    const f = fixture();
    const george = await identify(f.email('george'), f.phone(1));
    await identify(f.email('george2'), f.phone(1)); // secondary of george
    const biff = await identify(f.email('biffsucks'), f.phone(2));
    await identify(f.email('biff2'), f.phone(2)); // secondary of biff
    const merged = await identify(f.email('george'), f.phone(2));
    expect(merged.outcome).toBe('merged');
    const primaryId = george.response.contact.primaryContactId;
    const rows = await groupRows(f);
    expect(rows).toHaveLength(4); // the merge brought nothing new: no insert
    for (const row of rows) {
      if (row.id === primaryId) expect(row).toMatchObject({ linkPrecedence: 'primary', linkedId: null });
      else expect(row).toMatchObject({ linkPrecedence: 'secondary', linkedId: primaryId });
    }
    expect(merged.response.contact).toEqual({
      primaryContactId: primaryId,
      emails: [f.email('george'), f.email('george2'), f.email('biffsucks'), f.email('biff2')],
      phoneNumbers: [f.phone(1), f.phone(2)],
      secondaryContactIds: rows.filter((row) => row.id !== primaryId).map((row) => row.id),
    });
    expect(biff.response.contact.primaryContactId).not.toBe(primaryId);
  });

  it('merges three groups in one request when email and phone reach different groups, and inserts the new pair', async () => {
    const f = fixture();
    const a = await identify(f.email('a'), f.phone(1));
    await identify(f.email('b'), f.phone(2));
    await identify(f.email('c'), f.phone(3));
    await identify(f.email('b'), f.phone(3)); // merges b and c under b
    const merged = await identify(f.email('a'), f.phone(3)); // a's group + (b, c)
    const primaryId = a.response.contact.primaryContactId;
    const rows = await groupRows(f);
    expect(merged.response.contact.primaryContactId).toBe(primaryId);
    expect(rows.filter((row) => row.linkPrecedence === 'primary').map((row) => row.id)).toEqual([primaryId]);
    expect(rows.every((row) => row.id === primaryId || row.linkedId === primaryId)).toBe(true);
    expect(merged.response.contact.emails).toEqual([f.email('a'), f.email('b'), f.email('c')]);
    expect(merged.response.contact.phoneNumbers).toEqual([f.phone(1), f.phone(2), f.phone(3)]);
  });

  it('merges and inserts when the request links two groups and brings a new detail', async () => {
    const f = fixture();
    const x = await identify(f.email('x'), null);
    await identify(null, f.phone(1));
    // email x and phone 1 exist in two groups; merging them is the only change.
    const merged = await identify(f.email('x'), f.phone(1));
    expect(merged.outcome).toBe('merged');
    const rows = await groupRows(f);
    expect(rows).toHaveLength(2);
    expect(merged.response.contact).toMatchObject({
      primaryContactId: x.response.contact.primaryContactId,
      emails: [f.email('x')],
      phoneNumbers: [f.phone(1)],
    });
  });

  it('ignores soft-deleted rows for matching and for the response', async () => {
    const f = fixture();
    const first = await identify(f.email('gone'), f.phone(1));
    await sql().query('UPDATE Contact SET deletedAt = CURRENT_TIMESTAMP WHERE id = ?', [first.response.contact.primaryContactId]);
    const again = await identify(f.email('gone'), f.phone(1));
    expect(again.outcome).toBe('created');
    expect(again.response.contact.primaryContactId).not.toBe(first.response.contact.primaryContactId);
    expect(again.response.contact.secondaryContactIds).toEqual([]);
  });

  it('promotes the oldest live row when a group primary was soft-deleted', async () => {
    const f = fixture();
    const first = await identify(f.email('p'), f.phone(1));
    const second = await identify(f.email('s1'), f.phone(1));
    const third = await identify(f.email('s2'), f.phone(1));
    await sql().query('UPDATE Contact SET deletedAt = CURRENT_TIMESTAMP WHERE id = ?', [first.response.contact.primaryContactId]);
    const answer = await identify(null, f.phone(1));
    const s1 = second.response.contact.secondaryContactIds[0]!;
    expect(answer.response.contact).toEqual({
      primaryContactId: s1,
      emails: [f.email('s1'), f.email('s2')],
      phoneNumbers: [f.phone(1)],
      secondaryContactIds: [third.response.contact.secondaryContactIds[1]!],
    });
    const rows = (await groupRows(f)).filter((row) => row.deletedAt === null);
    expect(rows.map((row) => [row.linkPrecedence, row.linkedId])).toEqual([
      ['primary', null],
      ['secondary', s1],
    ]);
  });

  it('orders by createdAt, then id: an older row with a higher id comes first and wins a merge', async () => {
    const f = fixture();
    const newer = await identify(f.email('newer'), f.phone(1));
    const older = await identify(f.email('older'), f.phone(2));
    // Make the second row the older one by its timestamp.
    await sql().query('UPDATE Contact SET createdAt = createdAt - INTERVAL 1 DAY WHERE id = ?', [older.response.contact.primaryContactId]);
    const merged = await identify(f.email('newer'), f.phone(2));
    expect(merged.response.contact.primaryContactId).toBe(older.response.contact.primaryContactId);
    expect(merged.response.contact.emails).toEqual([f.email('older'), f.email('newer')]);
    expect(merged.response.contact.secondaryContactIds).toEqual([newer.response.contact.primaryContactId]);
  });
});
