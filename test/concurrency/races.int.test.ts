import { describe, expect, it } from 'vitest';
import { RETRY } from '../../lib/runtime/container.js';
import { IdentifyService } from '../../lib/service/identify-service.js';
import { repository, rowsTagged, stack, uniqueDigits, uniqueTag } from '../support/helpers.js';

// Races inside one process, each call on its own Data API connection. The multi-process
// randomized checker (checker.int.test.ts) covers the general case.
const service = new IdentifyService({ repository: repository(), retry: RETRY });
const identify = (email: string | null, phoneNumber: string | null) => service.identify({ email, phoneNumber }, { timeLeftMs: () => 25_000 });
const N = 32;

async function stats() {
  const response = await fetch(`${stack().dataApiUrl}/_local/stats`);
  return (await response.json()) as { openTransactions: number };
}

describe('racing requests', () => {
  it(`${N} identical first-time requests at once create exactly one row`, async () => {
    const tag = uniqueTag();
    const email = `same.${tag}@example.com`;
    const phone = uniqueDigits();
    const answers = await Promise.all(Array.from({ length: N }, () => identify(email, phone)));
    const rows = await rowsTagged(tag);
    expect(rows).toHaveLength(1);
    for (const answer of answers) {
      expect(answer.response.contact).toEqual({ primaryContactId: rows[0]!.id, emails: [email], phoneNumbers: [phone], secondaryContactIds: [] });
    }
    expect(answers.filter((answer) => answer.outcome === 'created')).toHaveLength(1);
  });

  it(`${N} first-time requests that share only the email create one primary and one secondary per phone`, async () => {
    const tag = uniqueTag();
    const email = `shared.${tag}@example.com`;
    const digits = uniqueDigits();
    await Promise.all(Array.from({ length: N }, (_, i) => identify(email, `${digits}${i}`)));
    const rows = await rowsTagged(tag);
    expect(rows).toHaveLength(N);
    const primaries = rows.filter((row) => row.linkPrecedence === 'primary');
    expect(primaries).toHaveLength(1);
    expect(rows.every((row) => row === primaries[0] || row.linkedId === primaries[0]!.id)).toBe(true);
  });

  it(`${N} requests that each join the same two clusters at once leave exactly one primary`, async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const a = await identify(`a.${tag}@example.com`, `${digits}1`);
    await identify(`b.${tag}@example.com`, `${digits}2`);
    const answers = await Promise.all(
      Array.from({ length: N }, (_, i) => (i % 2 ? identify(`a.${tag}@example.com`, `${digits}2`) : identify(`b.${tag}@example.com`, `${digits}1`))),
    );
    const rows = await rowsTagged(tag);
    expect(rows).toHaveLength(2);
    expect(rows.map((row) => [row.linkPrecedence, row.linkedId])).toEqual([
      ['primary', null],
      ['secondary', a.response.contact.primaryContactId],
    ]);
    for (const answer of answers) expect(answer.response.contact.primaryContactId).toBe(a.response.contact.primaryContactId);
    expect((await stats()).openTransactions).toBe(0);
  });

  it(`${N} requests joining a chain of clusters pairwise at once end in one group with no chains`, async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const email = (i: number) => `c${i}.${tag}@example.com`;
    for (let i = 0; i < N; i++) await identify(email(i), `${digits}${i}`);
    // Request i links cluster i (by email) with cluster i+1 (by phone).
    await Promise.all(Array.from({ length: N - 1 }, (_, i) => identify(email(i), `${digits}${i + 1}`)));
    const rows = await rowsTagged(tag);
    const primaries = rows.filter((row) => row.linkPrecedence === 'primary');
    expect(primaries).toHaveLength(1);
    expect(primaries[0]!.email).toBe(email(0));
    expect(rows.filter((row) => row !== primaries[0]).every((row) => row.linkedId === primaries[0]!.id)).toBe(true);
    expect(rows).toHaveLength(N);
  });
});
