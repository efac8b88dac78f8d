import { describe, expect, it } from 'vitest';
import { GroupTooLarge } from '../errors.js';
import { escapedBodyBytes, LAMBDA_RESPONSE_LIMIT_BYTES, MAX_ESCAPED_BODY_BYTES } from './response-size.js';

const answer = (emails: string[]) => ({ contact: { primaryContactId: 1, emails, phoneNumbers: ['123'], secondaryContactIds: [2, 3] } });

describe('escapedBodyBytes', () => {
  it('is what the answer takes as the JSON-string body of a Lambda result, quotes escaped', () => {
    const response = answer(['a@x.io', 'ü"q@x.io']);
    const result = JSON.stringify({ statusCode: 200, body: JSON.stringify(response) });
    const envelope = JSON.stringify({ statusCode: 200, body: '' });
    expect(escapedBodyBytes(response)).toBe(Buffer.byteLength(result) - Buffer.byteLength(envelope) + 2);
    expect(escapedBodyBytes(response)).toBeGreaterThan(Buffer.byteLength(JSON.stringify(response)));
  });

  it('leaves room under the limit Lambda enforces for the rest of the result', () => {
    expect(LAMBDA_RESPONSE_LIMIT_BYTES).toBe(6_291_556);
    expect(MAX_ESCAPED_BODY_BYTES).toBeLessThan(LAMBDA_RESPONSE_LIMIT_BYTES);
  });
});

describe('GroupTooLarge', () => {
  it('is a 422 the caller sees, with the group size for metrics and in words', () => {
    const error = new GroupTooLarge(180_000, 6_500_000, MAX_ESCAPED_BODY_BYTES);
    expect(error).toMatchObject({ statusCode: 422, expose: true, groupSize: 180_000, name: 'GroupTooLarge' });
    expect(error.message).toMatch(/180000 contacts: too large to return/);
  });
});
