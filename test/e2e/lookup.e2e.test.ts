import { describe, expect, it } from 'vitest';
import { postIdentify, rowsTagged, uniqueDigits, uniqueTag } from '../support/helpers.js';

// POST /lookup over HTTP through the gateway stand-in, signed as a real caller signs: its answers,
// that it never writes, and the same refusals as /identify.
const lookup = (body: unknown, headers?: Record<string, string>, credentials?: false) =>
  postIdentify(body, headers, { path: '/lookup', ...(credentials === false ? { credentials } : {}) });

describe('POST /lookup', () => {
  it('answers every group that holds the email or the phone, apart, ordered by primaryContactId', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const george = await postIdentify({ email: `george.${tag}@hillvalley.edu`, phoneNumber: `${digits}9` });
    const biff = await postIdentify({ email: `biff.${tag}@hillvalley.edu`, phoneNumber: `${digits}7` });
    const before = await rowsTagged(tag);
    const answer = await lookup({ email: `george.${tag}@hillvalley.edu`, phoneNumber: `${digits}7` });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.json).toEqual({ contacts: [george.json.contact, biff.json.contact] });
    expect(await rowsTagged(tag)).toEqual(before);
  });

  it('answers [] and creates nothing for values no one holds', async () => {
    const tag = uniqueTag();
    const answer = await lookup({ email: `nobody.${tag}@hillvalley.edu`, phoneNumber: 123456 });
    expect(answer.json).toEqual({ contacts: [] });
    expect(await rowsTagged(tag)).toEqual([]);
  });

  it.each([
    ['both values absent', { email: null, phoneNumber: '' }, 400],
    ['an invalid email', { email: 'not an email' }, 400],
    ['an unknown field', { email: 'a@b.co', name: 'x' }, 400],
    ['a body that is not an object', [1, 2], 400],
  ])('refuses %s with %i and a message, writing nothing', async (_name, body, status) => {
    const answer = await lookup(body);
    expect(answer.status).toBe(status);
    expect(typeof answer.json.message).toBe('string');
  });

  it('refuses a missing content type with 415, and an unsigned call with 403', async () => {
    expect((await lookup({ email: `x.${uniqueTag()}@b.co` }, {})).status).toBe(415);
    const unsigned = await lookup({ email: `x.${uniqueTag()}@b.co` }, undefined, false);
    expect(unsigned.status).toBe(403);
    expect(typeof unsigned.json.message).toBe('string');
  });

  it('answers another method with 405', async () => {
    const answer = await postIdentify(undefined, {}, { path: '/lookup', method: 'GET' });
    expect(answer.status).toBe(405);
  });
});
