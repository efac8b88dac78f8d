import { describe, expect, it } from 'vitest';
import { mapResult } from './result.js';

const ok = (payload: unknown) => ({ status: 200, payload: JSON.stringify(payload) });
const text = (body: Buffer) => body.toString('utf8');

describe('what the gateway answers for a function result (payload 2.0)', () => {
  it('a structured result gives its status, headers and body', () => {
    const answer = mapResult(ok({ statusCode: 415, headers: { 'Content-Type': 'application/json', 'Retry-After': 1 }, body: '{"message":"no"}' }));
    expect(answer.statusCode).toBe(415);
    expect(answer.headers).toEqual({ 'content-type': 'application/json', 'retry-after': '1' });
    expect(text(answer.body)).toBe('{"message":"no"}');
  });

  it('decodes a base64 body and turns cookies into set-cookie headers', () => {
    const answer = mapResult(ok({ statusCode: 200, body: Buffer.from([0, 1, 2]).toString('base64'), isBase64Encoded: true, cookies: ['a=1', 'b=2'] }));
    expect([...answer.body]).toEqual([0, 1, 2]);
    expect(answer.headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('a result without statusCode is a 200 application/json carrying it', () => {
    const answer = mapResult(ok({ hello: 'world' }));
    expect(answer).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(text(answer.body))).toEqual({ hello: 'world' });
    expect(text(mapResult(ok('plain')).body)).toBe('plain');
  });

  it('a function error, a failed invocation or an invalid status is a 500 Internal Server Error', () => {
    for (const invocation of [
      { status: 200, functionError: 'Unhandled', payload: '{"errorMessage":"boom"}' },
      { status: 404, payload: '{"Message":"Function not found"}' },
      { status: 200, payload: 'not json' },
      { status: 200, payload: JSON.stringify({ statusCode: 'abc' }) },
      { status: 200, payload: JSON.stringify({ statusCode: 99 }) },
    ]) {
      const answer = mapResult(invocation);
      expect(answer.statusCode, JSON.stringify(invocation)).toBe(500);
      expect(JSON.parse(text(answer.body))).toEqual({ message: 'Internal Server Error' });
    }
  });

  it('an event over the invocation limit is a 413, not a 5xx', () => {
    const answer = mapResult({ status: 413, payload: '' });
    expect(answer.statusCode).toBe(413);
    expect(JSON.parse(text(answer.body))).toEqual({ message: 'Request Entity Too Large' });
  });
});
