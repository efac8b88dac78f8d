import { describe, expect, it } from 'vitest';
import { expectGroupsAreComponents } from '../support/components.js';
import { postIdentify, sql, uniqueDigits, uniqueTag } from '../support/helpers.js';

// POST /unlink over HTTP through the gateway stand-in, signed as a data-steward tool signs: the
// contract's worked example, the junk-phone story, and the same refusals as the other routes.
const call = (path: string, body: unknown, headers?: Record<string, string>) => postIdentify(body, headers, { path });
const lookup = (body: unknown) => call('/lookup', body);

/** Rows (a, 1) and (b, 2), then /identify {a, 2}: merged with no new row, the pair recorded. */
async function contractExample() {
  const tag = uniqueTag();
  const digits = uniqueDigits();
  const [a, b, one, two] = [`a.${tag}@x.io`, `b.${tag}@x.io`, `${digits}1`, `${digits}2`];
  const first = (await postIdentify({ email: a, phoneNumber: one })).json.contact.primaryContactId as number;
  const second = (await postIdentify({ email: b, phoneNumber: two })).json.contact.primaryContactId as number;
  const merged = await postIdentify({ email: a, phoneNumber: two });
  expect(merged.json.contact).toEqual({ primaryContactId: first, emails: [a, b], phoneNumbers: [one, two], secondaryContactIds: [second] });
  return { a, b, one, two, first, second };
}

describe('POST /unlink over HTTP', () => {
  it('the contract example: unlinking 1 leaves one group, unlinking a splits it into (–, 1) and (b, 2)', async () => {
    const kept = await contractExample();
    expect((await call('/unlink', { phoneNumber: kept.one })).json).toEqual({ unlinked: { contacts: 1, primaryContactIds: [kept.first] } });
    expect((await lookup({ email: kept.b })).json.contacts).toEqual([
      { primaryContactId: kept.first, emails: [kept.a, kept.b], phoneNumbers: [kept.two], secondaryContactIds: [kept.second] },
    ]);

    const split = await contractExample();
    expect((await call('/unlink', { email: split.a })).json).toEqual({ unlinked: { contacts: 2, primaryContactIds: [split.first, split.second] } });
    expect((await lookup({ phoneNumber: split.one })).json.contacts).toEqual([
      { primaryContactId: split.first, emails: [], phoneNumbers: [split.one], secondaryContactIds: [] },
    ]);
    expect((await lookup({ email: split.b })).json.contacts).toEqual([
      { primaryContactId: split.second, emails: [split.b], phoneNumbers: [split.two], secondaryContactIds: [] },
    ]);
  });

  it('the junk phone: five customers held together by the shop’s phone are each alone after unlink with block, and the phone is blocked', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const shop = `${digits}0`;
    const emails = [1, 2, 3, 4, 5].map((n) => `customer${n}.${tag}@x.io`);
    for (const email of emails) await postIdentify({ email, phoneNumber: shop });
    expect((await lookup({ phoneNumber: shop })).json.contacts[0].emails).toEqual(emails);

    const answer = await call('/unlink', { phoneNumber: shop, block: true });
    expect(answer.status).toBe(200);
    expect(answer.json.unlinked.contacts).toBe(5);
    expect(answer.json.unlinked.primaryContactIds).toHaveLength(5);
    for (const email of emails) {
      const groups = (await lookup({ email })).json.contacts;
      expect(groups).toEqual([{ primaryContactId: expect.any(Number), emails: [email], phoneNumbers: [], secondaryContactIds: [] }]);
    }
    // Blocked: a request with only the phone is bad input, and it links nobody again.
    expect((await postIdentify({ phoneNumber: shop })).status).toBe(400);
    const [records] = await sql().query("SELECT answer FROM AuditRecord WHERE route = 'unlink' ORDER BY id DESC LIMIT 1");
    expect((records as { answer: string }[])[0]!.answer).toBe(JSON.stringify(answer.json));
    expect((records as { answer: string }[])[0]!.answer).not.toContain(digits);
  });

  it('racing with identifies over HTTP: the groups left are the components of shared values and pairings', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const junk = `${digits}0`;
    const customer = (n: number) => `h${n}.${tag}@x.io`;
    for (const n of [1, 2, 3, 4]) await postIdentify({ email: customer(n), phoneNumber: junk });
    const answers = await Promise.all([
      call('/unlink', { phoneNumber: junk }),
      ...[1, 2, 3, 4, 5, 6].map((n) => postIdentify({ email: customer(n), phoneNumber: junk })),
      ...[1, 2, 3].map((n) => postIdentify({ email: customer(n), phoneNumber: `${digits}${n}` })),
      postIdentify({ email: customer(1), phoneNumber: `${digits}2` }),
      call('/unlink', { phoneNumber: junk }),
      call('/lookup', { phoneNumber: junk }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    await expectGroupsAreComponents(`%.${tag}@x.io`, [junk, `${digits}1`, `${digits}2`, `${digits}3`]);
  });

  it.each([
    [{ email: 'a@b.co', phoneNumber: '1' }, /exactly one of email and phoneNumber/],
    [{ email: null }, /give at least one/],
    [{ phoneNumber: '1', block: 'yes' }, /block must be true or false/],
    [{ phoneNumber: '1', suppress: true }, /unknown field "suppress": only "email", "phoneNumber" and "block" are accepted/],
    [[], /JSON object/],
  ])('refuses %j with 400 and a message a caller can act on', async (body, message) => {
    const answer = await call('/unlink', body);
    expect(answer.status).toBe(400);
    expect(answer.json.message).toMatch(message);
  });

  it('refuses a missing content type with 415 and an unsigned call with 403', async () => {
    expect((await call('/unlink', { email: 'a@b.co' }, {})).status).toBe(415);
    expect((await postIdentify({ email: 'a@b.co' }, undefined, { path: '/unlink', credentials: false })).status).toBe(403);
  });
});
