import { describe, expect, it } from 'vitest';
import { postIdentify, rowsTagged, sql, uniqueDigits, uniqueTag } from '../support/helpers.js';

// POST /erase, /block and /unblock over HTTP through the gateway stand-in, signed as a real caller
// signs: the contract's answers, the audit records, and the same refusals as /identify.
const call = (path: string, body: unknown, headers?: Record<string, string>) => postIdentify(body, headers, { path });

describe('the privacy routes over HTTP', () => {
  it('erase: every group holding a value, as tombstones, answered with the count and the primaries', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const doc = await postIdentify({ email: `doc.${tag}@hillvalley.edu`, phoneNumber: `${digits}1` });
    await postIdentify({ email: `emmett.${tag}@hillvalley.edu`, phoneNumber: `${digits}1` });
    const answer = await call('/erase', { email: `doc.${tag}@hillvalley.edu`, suppress: true });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ erased: { contacts: 2, primaryContactIds: [doc.json.contact.primaryContactId] } });
    expect(await rowsTagged(tag)).toEqual([]);
    // Suppressed: the person is not linked again until unblocked.
    expect((await postIdentify({ email: `emmett.${tag}@hillvalley.edu` })).status).toBe(400);
    expect((await call('/erase', { email: `doc.${tag}@hillvalley.edu` })).json).toEqual({ erased: { contacts: 0, primaryContactIds: [] } });
  });

  it('block and unblock: counts of values newly blocked and removed, each with an audit record naming the caller', async () => {
    const digits = uniqueDigits();
    expect((await call('/block', { phoneNumber: `${digits}0` })).json).toEqual({ blocked: 1 });
    expect((await call('/block', { phoneNumber: Number(`${digits}0`) })).json).toEqual({ blocked: 0 });
    expect((await postIdentify({ phoneNumber: `${digits}0` })).status).toBe(400);
    expect((await call('/unblock', { phoneNumber: `${digits}0` })).json).toEqual({ unblocked: 1 });
    expect((await postIdentify({ phoneNumber: `${digits}0` })).status).toBe(200);
    const [records] = await sql().query("SELECT route, caller, answer FROM AuditRecord WHERE route IN ('block', 'unblock') ORDER BY id DESC LIMIT 3");
    expect((records as { route: string }[]).map((record) => record.route)).toEqual(['unblock', 'block', 'block']);
    for (const record of records as { caller: string; answer: string }[]) {
      expect(record.caller).toMatch(/^arn:aws:iam::\d{12}:/);
      expect(record.answer).not.toContain(digits);
    }
  });

  it.each([
    ['/erase', { suppress: 'yes', email: 'a@b.co' }, /suppress must be true or false/],
    ['/erase', { email: null }, /give at least one/],
    ['/erase', { email: 'a@b.co', block: true }, /unknown field "block": only "email", "phoneNumber" and "suppress" are accepted/],
    ['/block', { email: 'not an email' }, /white space/],
    ['/unblock', [], /JSON object/],
  ])('%s refuses %j with 400 and a message a caller can act on', async (path, body, message) => {
    const answer = await call(path, body);
    expect(answer.status).toBe(400);
    expect(answer.json.message).toMatch(message);
  });

  it('refuses a missing content type with 415 and an unsigned call with 403, on every privacy route', async () => {
    for (const path of ['/erase', '/block', '/unblock']) {
      expect((await call(path, { email: 'a@b.co' }, {})).status, path).toBe(415);
      expect((await postIdentify({ email: 'a@b.co' }, undefined, { path, credentials: false })).status, path).toBe(403);
    }
  });
});
