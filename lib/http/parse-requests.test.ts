import { describe, expect, it } from 'vitest';
import { badInput, emailOfLength } from '../../test/support/bad-input.js';
import { parseIdentifyRequest } from './parse-requests.js';

describe('parseIdentifyRequest', () => {
  it.each([
    ['both fields', { email: 'doc@hillvalley.edu', phoneNumber: '123456' }, { email: 'doc@hillvalley.edu', phoneNumber: '123456' }],
    ['only email', { email: 'doc@hillvalley.edu' }, { email: 'doc@hillvalley.edu', phoneNumber: null }],
    ['only phoneNumber', { phoneNumber: '123456' }, { email: null, phoneNumber: '123456' }],
    ['phoneNumber as an integer', { phoneNumber: 123456 }, { email: null, phoneNumber: '123456' }],
    ['email with a null phoneNumber', { email: 'doc@hillvalley.edu', phoneNumber: null }, { email: 'doc@hillvalley.edu', phoneNumber: null }],
    ['phoneNumber with a null email', { email: null, phoneNumber: '123456' }, { email: null, phoneNumber: '123456' }],
    ['email with an empty phoneNumber', { email: 'doc@hillvalley.edu', phoneNumber: '' }, { email: 'doc@hillvalley.edu', phoneNumber: null }],
    ['phoneNumber with an empty email', { email: '', phoneNumber: '123456' }, { email: null, phoneNumber: '123456' }],
    ['normalised values', { email: '  Doc@HillValley.EDU ', phoneNumber: ' +1 (555) 123-4567 ' }, { email: 'doc@hillvalley.edu', phoneNumber: '+15551234567' }],
  ])('accepts %s', (_name, body, expected) => {
    expect(parseIdentifyRequest(body)).toEqual(expected);
  });

  it('returns the same request for 123456 and "123456"', () => {
    expect(parseIdentifyRequest({ phoneNumber: 123456 })).toEqual(parseIdentifyRequest({ phoneNumber: '123456' }));
  });

  it.each([
    ['an array', [{ email: 'doc@hillvalley.edu' }]],
    ['an empty array', []],
    ['a string', 'doc@hillvalley.edu'],
    ['a JSON string of an object', '{"email":"doc@hillvalley.edu"}'],
    ['a number', 123456],
    ['null', null],
    ['undefined', undefined],
    ['a boolean', true],
  ])('rejects a body that is %s', (_name, body) => {
    const error = badInput(() => parseIdentifyRequest(body));
    expect(error.message).toMatch(/body|object/i);
  });

  it.each([
    ['an empty object', {}],
    ['both null', { email: null, phoneNumber: null }],
    ['both empty strings', { email: '', phoneNumber: '' }],
    ['both white space', { email: '   ', phoneNumber: ' \t ' }],
    ['email null, phone missing', { email: null }],
    ['phone null, email missing', { phoneNumber: null }],
  ])('rejects %s (both absent)', (_name, body) => {
    const error = badInput(() => parseIdentifyRequest(body));
    expect(error.message).toContain('email');
    expect(error.message).toContain('phoneNumber');
  });

  it('does not take fields from the prototype chain', () => {
    const body = Object.create({ email: 'doc@hillvalley.edu' }) as object;
    badInput(() => parseIdentifyRequest(body));
  });

  it.each([
    ['an unknown field alongside valid ones', { email: 'doc@hillvalley.edu', phoneNumber: '123456', name: 'Doc' }, 'name'],
    ['only an unknown field', { name: 'Doc' }, 'name'],
    ['a differently cased field', { Email: 'doc@hillvalley.edu' }, 'Email'],
    ['a snake_case field', { phone_number: '123456' }, 'phone_number'],
    ['a null unknown field', { email: 'doc@hillvalley.edu', extra: null }, 'extra'],
  ])('rejects %s', (_name, body, field) => {
    const error = badInput(() => parseIdentifyRequest(body));
    expect(error.message).toContain(field);
  });

  it('rejects a parsed "__proto__" key as an unknown field', () => {
    const body: unknown = JSON.parse('{"email":"doc@hillvalley.edu","__proto__":{"x":1}}');
    const error = badInput(() => parseIdentifyRequest(body));
    expect(error.message).toContain('__proto__');
  });

  it.each([
    ['email is a number', { email: 42 }, 'email'],
    ['email is a boolean', { email: true }, 'email'],
    ['email is an object', { email: { address: 'doc@hillvalley.edu' } }, 'email'],
    ['email is an array', { email: ['doc@hillvalley.edu'] }, 'email'],
    ['phoneNumber is a boolean', { phoneNumber: false }, 'phoneNumber'],
    ['phoneNumber is an object', { phoneNumber: { n: '123456' } }, 'phoneNumber'],
    ['phoneNumber is an array', { phoneNumber: ['123456'] }, 'phoneNumber'],
    ['phoneNumber is negative', { phoneNumber: -123456 }, 'phoneNumber'],
    ['phoneNumber is fractional', { phoneNumber: 12.5 }, 'phoneNumber'],
    ['phoneNumber is an unsafe integer', { phoneNumber: 2 ** 53 }, 'phoneNumber'],
    ['an invalid email beside a valid phone', { email: 'not-an-address', phoneNumber: '123456' }, 'email'],
    ['an invalid phone beside a valid email', { email: 'doc@hillvalley.edu', phoneNumber: 'abc' }, 'phoneNumber'],
    ['a 255-character email', { email: emailOfLength(255) }, 'email'],
    ['a 21-digit phone', { phoneNumber: '1'.repeat(21) }, 'phoneNumber'],
    ['a wrong-typed email beside a valid phone', { email: false, phoneNumber: '123456' }, 'email'],
  ])('rejects a body where %s', (_name, body, field) => {
    const error = badInput(() => parseIdentifyRequest(body));
    expect(error.message).toContain(field);
  });
});

describe('messages a caller can read', () => {
  it.each([
    [{ email: { a: 1 } }, 'email must be a string or null, not an object'],
    [{ phoneNumber: { a: 1 } }, 'phoneNumber must be a string, a non-negative integer or null, not an object'],
    [{ email: ['a@b.co'] }, 'email must be a string or null, not an array'],
    [{ email: 42 }, 'email must be a string or null, not a number'],
  ])('names the wrong type with the right article: %j', (body, message) => {
    expect(badInput(() => parseIdentifyRequest(body)).message).toBe(message);
  });

  it('says a JSON string body must be a JSON object', () => {
    expect(badInput(() => parseIdentifyRequest('hello')).message).toMatch(/^request body must be a JSON object .*not a string$/);
  });
});

describe('the replacement character U+FFFD (bytes that were not UTF-8)', () => {
  it.each([
    ['an email', { email: 'caf\uFFFD@b.co' }, 'email'],
    ['an email beside a valid phone', { email: 'caf\uFFFD@b.co', phoneNumber: '123' }, 'email'],
    ['a phone', { phoneNumber: '12\uFFFD34' }, 'phoneNumber'],
  ])('is refused in %s, naming it', (_name, body, field) => {
    const message = badInput(() => parseIdentifyRequest(body)).message;
    expect(message).toContain(field);
    expect(message).toMatch(/U\+FFFD/);
    expect(message).toMatch(/not valid UTF-8/);
  });
});

describe('parseIdentifyRequest with a blocklist', () => {
  const blocklist = {
    blocksEmail: (email: string) => email === 'test@test.com',
    blocksPhone: (phone: string) => /^0+$/.test(phone),
  };

  it('treats a blocked value as absent when the other one is usable', () => {
    expect(parseIdentifyRequest({ email: 'Test@Test.com', phoneNumber: '123' }, blocklist)).toEqual({ email: null, phoneNumber: '123' });
    expect(parseIdentifyRequest({ email: 'doc@hillvalley.edu', phoneNumber: '000-000' }, blocklist)).toEqual({
      email: 'doc@hillvalley.edu',
      phoneNumber: null,
    });
  });

  it.each([
    ['only a blocked email', { email: 'test@test.com' }, /^email is blocked: not usable to identify a customer/],
    ['only a blocked phone', { phoneNumber: 0 }, /^phoneNumber is blocked: not usable to identify a customer/],
    ['a blocked email and a blocked phone', { email: 'test@test.com', phoneNumber: '0000' }, /^email and phoneNumber are blocked: not usable/],
    ['a blocked email and an empty phone', { email: 'test@test.com', phoneNumber: '' }, /^email is blocked/],
  ])('refuses %s (400), saying it is blocked', (_name, body, message) => {
    expect(badInput(() => parseIdentifyRequest(body, blocklist)).message).toMatch(message);
  });

  it('blocks nothing by default', () => {
    expect(parseIdentifyRequest({ email: 'test@test.com', phoneNumber: '0000' })).toEqual({ email: 'test@test.com', phoneNumber: '0000' });
  });

  it('still refuses an invalid value before looking at the blocklist', () => {
    expect(badInput(() => parseIdentifyRequest({ email: 'not an email' }, blocklist)).message).toMatch(/white space/);
  });
});
