import { describe, expect, it } from 'vitest';
import { answerFromTable } from '../../test/support/expected-group.js';
import { countingExecutor, postIdentify, sql, uniqueDigits, uniqueTag } from '../../test/support/helpers.js';
import { seededEmail, seedGroup } from '../../test/support/large-group-seeder.js';
import { GroupTooLarge } from '../errors.js';
import { RETRY } from '../runtime/container.js';
import { ContactRepository } from '../store/contact-repository.js';
import { FIRST_READ_ROWS } from '../store/page-budget.js';
import { IdentifyService } from './identify-service.js';

// Groups of any size, through the real SDK, the local Data API server (which refuses responses
// over 1 MiB, as AWS does) and MySQL or MariaDB. Groups are seeded straight into the table.
const { executor, calls } = countingExecutor();
const service = new IdentifyService({ repository: new ContactRepository(executor), retry: RETRY });

async function identify(email: string | null, phoneNumber: string | null) {
  calls.length = 0;
  const result = await service.identify({ email, phoneNumber }, { timeLeftMs: () => 60_000 });
  return { ...result, calls: [...calls] };
}

async function countRows(primaryId: number): Promise<number> {
  const [rows] = await sql().query('SELECT COUNT(*) AS n FROM Contact WHERE id = ? OR linkedId = ?', [primaryId, primaryId]);
  return Number((rows as { n: number }[])[0]!.n);
}

/** Whether the contract's order differs from id order in the answer (so the test checks the order). */
function reordered(ids: number[]): boolean {
  return ids.some((id, i) => i > 0 && id < ids[i - 1]!);
}

describe('groups of any size', () => {
  it.each([20_000, 100_000])('answers a group of %i contacts whole and in the contract order', async (size) => {
    const seed = { tag: uniqueTag(), size, createdAt: '2021-03-01 00:00:00' };
    const group = await seedGroup(sql(), seed);
    const result = await identify(seededEmail(seed, 4_321), null);
    const expected = await answerFromTable(sql(), group.primaryId);
    expect(expected.contact.secondaryContactIds).toHaveLength(size - 1);
    expect(reordered(expected.contact.secondaryContactIds)).toBe(true);
    expect(result.outcome).toBe('read');
    expect(result.response).toEqual(expected);
    // Past the first read's rows, the read pages inside one transaction and writes nothing.
    expect(result.calls.filter((call) => call === 'BeginTransaction')).toHaveLength(1);
    expect(result.calls).toContain('CommitTransaction');
  });

  it('adds a new detail to a group of 20,000 contacts and answers the whole group', async () => {
    const seed = { tag: uniqueTag(), size: 20_000, createdAt: '2021-04-01 00:00:00' };
    const group = await seedGroup(sql(), seed);
    const phone = uniqueDigits();
    const result = await identify(seededEmail(seed, 17), phone);
    expect(result.outcome).toBe('linked');
    const [inserted] = await sql().query('SELECT id, email, linkedId, linkPrecedence FROM Contact WHERE phoneNumber = ?', [phone]);
    expect(inserted).toEqual([{ id: expect.any(Number), email: seededEmail(seed, 17), linkedId: group.primaryId, linkPrecedence: 'secondary' }]);
    expect(await countRows(group.primaryId)).toBe(20_001);
    expect(result.response).toEqual(await answerFromTable(sql(), group.primaryId));
    expect(result.response.contact.phoneNumbers).toEqual([phone]);
  });

  it('merges two groups of 10,000: the older primary wins, every row is re-pointed, no chain', async () => {
    const older = { tag: uniqueTag(), size: 10_000, phone: null, createdAt: '2021-05-01 00:00:00' };
    const newer = { tag: uniqueTag(), size: 10_000, phone: uniqueDigits(), createdAt: '2021-06-01 00:00:00' };
    const a = await seedGroup(sql(), older);
    const b = await seedGroup(sql(), newer);
    const result = await identify(seededEmail(older, 5), newer.phone);
    expect(result.outcome).toBe('merged');
    const [links] = await sql().query(
      `SELECT linkPrecedence, linkedId, COUNT(*) AS n FROM Contact WHERE id IN (?, ?) OR linkedId IN (?, ?) GROUP BY linkPrecedence, linkedId ORDER BY linkPrecedence`,
      [a.primaryId, b.primaryId, a.primaryId, b.primaryId],
    );
    expect(links).toEqual([
      { linkPrecedence: 'primary', linkedId: null, n: 1 },
      { linkPrecedence: 'secondary', linkedId: a.primaryId, n: 19_999 },
    ]);
    const expected = await answerFromTable(sql(), a.primaryId);
    expect(expected.contact.secondaryContactIds).toHaveLength(19_999);
    expect(result.response).toEqual(expected);
    expect(result.response.contact.phoneNumbers).toEqual([newer.phone]);
  });

  it('refuses, with 422 and nothing written, a group whose answer is past what Lambda can return', async () => {
    // 30,000 contacts with 220-character emails: about 6.9 MB of answer, over Lambda's 6,291,556 bytes.
    const seed = { tag: uniqueTag(), size: 30_000, emailLength: 220, createdAt: '2021-07-01 00:00:00' };
    const group = await seedGroup(sql(), seed);
    const small = { tag: uniqueTag(), size: 2, phone: uniqueDigits(), createdAt: '2021-08-01 00:00:00' };
    const other = await seedGroup(sql(), small);
    const phone = uniqueDigits();

    const link = await postIdentify({ email: seededEmail(seed, 3), phoneNumber: phone });
    expect(link.status).toBe(422);
    expect(link.json.message).toMatch(/30001 contacts: too large to return/);
    const merge = await postIdentify({ email: seededEmail(seed, 3), phoneNumber: small.phone });
    expect(merge.status).toBe(422);
    expect(merge.json.message).toMatch(/30002 contacts: too large to return/);

    await expect(identify(seededEmail(seed, 3), null)).rejects.toMatchObject({ statusCode: 422, groupSize: 30_000 });
    await expect(identify(seededEmail(seed, 3), null)).rejects.toBeInstanceOf(GroupTooLarge);
    const [found] = await sql().query('SELECT COUNT(*) AS n FROM Contact WHERE phoneNumber = ?', [phone]);
    expect(found).toEqual([{ n: 0 }]);
    expect(await countRows(group.primaryId)).toBe(30_000);
    const [otherPrimary] = await sql().query('SELECT linkPrecedence, linkedId FROM Contact WHERE id = ?', [other.primaryId]);
    expect(otherPrimary).toEqual([{ linkPrecedence: 'primary', linkedId: null }]);
  });

  it('costs one Data API call to answer a repeat customer whose group fits the first read, and pages past it', async () => {
    const fits = { tag: uniqueTag(), size: FIRST_READ_ROWS + 1, createdAt: '2021-09-01 00:00:00' };
    const overflows = { tag: uniqueTag(), size: FIRST_READ_ROWS + 2, createdAt: '2021-09-02 00:00:00' };
    const a = await seedGroup(sql(), fits);
    const b = await seedGroup(sql(), overflows);
    const small = await identify(seededEmail(fits, 9), null);
    expect(small.calls).toEqual(['ExecuteStatement']);
    expect(small.response).toEqual(await answerFromTable(sql(), a.primaryId));
    const paged = await identify(seededEmail(overflows, 9), null);
    expect(paged.calls).toEqual(['ExecuteStatement', 'BeginTransaction', 'ExecuteStatement', 'ExecuteStatement', 'CommitTransaction']);
    expect(paged.response).toEqual(await answerFromTable(sql(), b.primaryId));
  });
});
