import { describe, expect, it } from 'vitest';
import { callGateway, postIdentify, rowsTagged, stack, uniqueDigits, uniqueTag } from '../support/helpers.js';
import { apiEvent } from '../support/lambda-events.js';

// POST /identify over HTTP through the local gateway (signed) and serverless-offline, the same handler as on Lambda.

describe('POST /identify, the examples of the task', () => {
  it('links lorraine and mcfly through 123456', async () => {
    const tag = uniqueTag();
    const phone = `${uniqueDigits()}123456`;
    const lorraine = `lorraine.${tag}@hillvalley.edu`;
    const mcfly = `mcfly.${tag}@hillvalley.edu`;
    const first = await postIdentify({ email: lorraine, phoneNumber: phone });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    const primaryContactId = first.json.contact.primaryContactId;
    const second = await postIdentify({ email: mcfly, phoneNumber: phone });
    expect(second.status).toBe(200);
    const [, secondary] = await rowsTagged(tag);
    const expected = { contact: { primaryContactId, emails: [lorraine, mcfly], phoneNumbers: [phone], secondaryContactIds: [secondary!.id] } };
    expect(second.json).toEqual(expected);
    // Every variant that brings nothing new answers the same group and writes nothing.
    for (const body of [
      { email: null, phoneNumber: phone },
      { email: lorraine, phoneNumber: null },
      { email: mcfly, phoneNumber: null },
      { email: mcfly },
      { phoneNumber: phone },
      { email: `  ${mcfly.toUpperCase()}  `, phoneNumber: null },
    ]) {
      const answer = await postIdentify(body);
      expect(answer.status, JSON.stringify(body)).toBe(200);
      expect(answer.json).toEqual(expected);
    }
    expect(await rowsTagged(tag)).toHaveLength(2);
  });

  it('merges george (919191) and biffsucks (717171) into the older primary', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const george = `george.${tag}@hillvalley.edu`;
    const biff = `biffsucks.${tag}@hillvalley.edu`;
    const g = await postIdentify({ email: george, phoneNumber: `${digits}919191` });
    const b = await postIdentify({ email: biff, phoneNumber: `${digits}717171` });
    expect(g.json.contact.primaryContactId).not.toBe(b.json.contact.primaryContactId);
    const merged = await postIdentify({ email: george, phoneNumber: `${digits}717171` });
    expect(merged.status).toBe(200);
    expect(merged.json).toEqual({
      contact: {
        primaryContactId: g.json.contact.primaryContactId,
        emails: [george, biff],
        phoneNumbers: [`${digits}919191`, `${digits}717171`],
        secondaryContactIds: [b.json.contact.primaryContactId],
      },
    });
    const rows = await rowsTagged(tag);
    expect(rows.map((row) => [row.linkPrecedence, row.linkedId])).toEqual([
      ['primary', null],
      ['secondary', g.json.contact.primaryContactId],
    ]);
  });

  it('takes phoneNumber as a JSON integer, the same as the string', async () => {
    const tag = uniqueTag();
    const number = Number(`9${uniqueDigits().slice(-9)}`);
    const first = await postIdentify({ email: `int.${tag}@example.com`, phoneNumber: number });
    expect(first.status).toBe(200);
    expect(first.json.contact.phoneNumbers).toEqual([String(number)]);
    const again = await postIdentify({ phoneNumber: String(number) });
    expect(again.json).toEqual(first.json);
    expect(await rowsTagged(tag)).toHaveLength(1);
  });

  it('normalises before matching and storing: trimmed, lower-cased, separators removed', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits().slice(-7);
    const first = await postIdentify({
      email: `  Doc.${tag}@HillValley.EDU `,
      phoneNumber: ` +1 (${digits.slice(0, 3)}) ${digits.slice(3, 5)}-${digits.slice(5)}.`,
    });
    expect(first.status).toBe(200);
    expect(first.json.contact.emails).toEqual([`doc.${tag}@hillvalley.edu`]);
    expect(first.json.contact.phoneNumbers).toEqual([`+1${digits}`]);
    const rows = await rowsTagged(tag);
    expect(rows).toEqual([expect.objectContaining({ email: `doc.${tag}@hillvalley.edu`, phoneNumber: `+1${digits}` })]);
  });

  it('answers the same handler through the Lambda invoke endpoint with an HTTP API event', async () => {
    const tag = uniqueTag();
    const email = `invoke.${tag}@example.com`;
    const event = apiEvent(JSON.stringify({ email }));
    const response = await fetch(stack().invokeUrl, { method: 'POST', body: JSON.stringify(event) });
    expect(response.status).toBe(200);
    const result = (await response.json()) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    const rows = await rowsTagged(tag);
    expect(JSON.parse(result.body)).toEqual({
      contact: { primaryContactId: rows[0]!.id, emails: [email], phoneNumbers: [], secondaryContactIds: [] },
    });
  });
});

describe('POST /identify, bad input: a 4xx with a JSON message, nothing written', () => {
  const json = { 'content-type': 'application/json' };
  const cases: { name: string; body: (tag: string) => string; headers?: Record<string, string>; status: number; message: RegExp }[] = [
    { name: 'malformed JSON', body: (t) => `{"email": "a.${t}@b.c"`, status: 400, message: /valid JSON/ },
    { name: 'empty body', body: () => '', status: 400, message: /JSON/ },
    { name: 'a JSON array', body: (t) => JSON.stringify([{ email: `a.${t}@b.c` }]), status: 400, message: /JSON object/ },
    { name: 'a JSON string', body: (t) => JSON.stringify(`a.${t}@b.c`), status: 400, message: /JSON/ },
    { name: 'JSON null', body: () => 'null', status: 400, message: /JSON object/ },
    { name: 'email as a number', body: () => JSON.stringify({ email: 42 }), status: 400, message: /email/ },
    { name: 'email as an object', body: (t) => JSON.stringify({ email: { a: t } }), status: 400, message: /email/ },
    { name: 'phone as a boolean', body: (t) => JSON.stringify({ email: `a.${t}@b.c`, phoneNumber: true }), status: 400, message: /phoneNumber/ },
    { name: 'phone as a negative number', body: (t) => JSON.stringify({ email: `a.${t}@b.c`, phoneNumber: -5 }), status: 400, message: /phoneNumber/ },
    { name: 'phone as a fraction', body: (t) => JSON.stringify({ email: `a.${t}@b.c`, phoneNumber: 12.5 }), status: 400, message: /phoneNumber/ },
    { name: 'phone beyond a safe integer', body: (t) => `{"email":"a.${t}@b.c","phoneNumber":123456789012345678901}`, status: 400, message: /phoneNumber/ },
    { name: 'phone with letters', body: (t) => JSON.stringify({ email: `a.${t}@b.c`, phoneNumber: '12ab' }), status: 400, message: /phoneNumber/ },
    { name: 'phone with 21 digits', body: (t) => JSON.stringify({ email: `a.${t}@b.c`, phoneNumber: '1'.repeat(21) }), status: 400, message: /phoneNumber/ },
    { name: 'phone with a + inside', body: (t) => JSON.stringify({ email: `a.${t}@b.c`, phoneNumber: '12+34' }), status: 400, message: /phoneNumber/ },
    { name: 'email without @', body: (t) => JSON.stringify({ email: `a.${t}.b.c` }), status: 400, message: /email/ },
    { name: 'email with two @', body: (t) => JSON.stringify({ email: `a@${t}@b.c` }), status: 400, message: /email/ },
    { name: 'email with white space inside', body: (t) => JSON.stringify({ email: `a ${t}@b.c` }), status: 400, message: /email/ },
    { name: 'email over 254 characters', body: (t) => JSON.stringify({ email: `${t}${'a'.repeat(250)}@b.c` }), status: 400, message: /254/ },
    { name: 'both absent', body: () => JSON.stringify({}), status: 400, message: /email.*phoneNumber/ },
    { name: 'both null', body: () => JSON.stringify({ email: null, phoneNumber: null }), status: 400, message: /email.*phoneNumber/ },
    { name: 'both empty', body: () => JSON.stringify({ email: '  ', phoneNumber: '' }), status: 400, message: /email.*phoneNumber/ },
    { name: 'an unknown field', body: (t) => JSON.stringify({ email: `a.${t}@b.c`, name: 'doc' }), status: 400, message: /name/ },
    { name: 'a body over 10 KB', body: (t) => JSON.stringify({ email: `a.${t}@b.c`, pad: 'x'.repeat(11_000) }), status: 413, message: /10240 bytes/ },
    { name: 'a __proto__ key', body: (t) => `{"email":"a.${t}@b.c","__proto__":{"admin":true}}`, status: 400, message: /__proto__/ },
    { name: 'a constructor key', body: (t) => `{"email":"a.${t}@b.c","constructor":{"prototype":{}}}`, status: 400, message: /constructor/ },
    { name: 'a duplicate key', body: (t) => `{"email":"a.${t}@b.c","email":"b.${t}@b.c"}`, status: 400, message: /repeats the key "email"/ },
    { name: 'a duplicate key spelled with an escape', body: (t) => `{"email":"a.${t}@b.c","\\u0065mail":"b.${t}@b.c"}`, status: 400, message: /repeats/ },
    { name: 'deep nesting', body: () => '['.repeat(4_000) + ']'.repeat(4_000), status: 400, message: /JSON object/ },
    { name: 'deeply nested email', body: (t) => `{"email":${'['.repeat(2_000)}"a.${t}@b.c"${']'.repeat(2_000)}}`, status: 400, message: /email/ },
    { name: 'a control character in the email', body: (t) => JSON.stringify({ email: `a.${t}\u0007@b.c` }), status: 400, message: /email/ },
    { name: 'a lone surrogate in the email', body: (t) => `{"email":"a.${t}\\ud800@b.c"}`, status: 400, message: /email/ },
    { name: 'unicode digits as a phone', body: (t) => JSON.stringify({ email: `a.${t}@b.c`, phoneNumber: '١٢٣٤' }), status: 400, message: /phoneNumber/ },
    { name: 'a huge string', body: (t) => JSON.stringify({ email: `a.${t}@b.c`, phoneNumber: '9'.repeat(9_000) }), status: 400, message: /phoneNumber/ },
    { name: 'no content type', body: (t) => JSON.stringify({ email: `a.${t}@b.c` }), headers: {}, status: 415, message: /application\/json/ },
    {
      name: 'text/plain content type',
      body: (t) => JSON.stringify({ email: `a.${t}@b.c` }),
      headers: { 'content-type': 'text/plain' },
      status: 415,
      message: /application\/json/,
    },
    {
      name: 'form content type',
      body: (t) => `email=a.${t}@b.c`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      status: 415,
      message: /application\/json/,
    },
  ];

  for (const testCase of cases) {
    it(`refuses ${testCase.name}`, async () => {
      const tag = uniqueTag();
      const answer = await postIdentify(testCase.body(tag), testCase.headers ?? json);
      expect(answer.status).toBe(testCase.status);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(Object.keys(answer.json)).toEqual(['message']);
      expect(answer.json.message).toMatch(testCase.message);
      expect(await rowsTagged(tag)).toEqual([]);
    });
  }
});

describe('wrong methods and paths: a JSON 404 or 405, as API Gateway answers on AWS', () => {
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
    it(`${method} /identify is 405 with Allow: POST`, async () => {
      const response = await callGateway(method === 'GET' ? undefined : '{}', { 'content-type': 'application/json' }, { method });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(response.json).toEqual({ message: expect.stringMatching(/POST/) });
    });
  }
  for (const path of ['/', '/identity', '/identify/extra', '/a/b/c']) {
    it(`POST ${path} is 404`, async () => {
      const response = await callGateway('{"email":"a@b.c"}', { 'content-type': 'application/json' }, { path });
      expect(response.status).toBe(404);
      expect(response.json).toEqual({ message: expect.stringMatching(/POST \/identify/) });
    });
  }
});
