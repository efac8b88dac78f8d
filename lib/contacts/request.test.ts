import { describe, expect, it } from 'vitest';
import { BadInput } from '../errors.js';
import { normalizeEmail, normalizePhone, parseIdentifyRequest } from './request.js';

/** Runs `fn`, expects it to throw a BadInput (400, non-empty message) and returns that error. */
function badInput(fn: () => unknown): BadInput {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a BadInput to be thrown').toBeInstanceOf(BadInput);
  const error = thrown as BadInput;
  expect(error.statusCode).toBe(400);
  expect(typeof error.message).toBe('string');
  expect(error.message.trim()).not.toBe('');
  return error;
}

/** An address of exactly `length` characters (code points): "aaa…a@example.com". */
function emailOfLength(length: number, filler = 'a'): string {
  const domain = '@example.com';
  return filler.repeat(length - domain.length) + domain;
}

describe('normalizeEmail', () => {
  it.each([
    ['a plain address', 'doc@hillvalley.edu', 'doc@hillvalley.edu'],
    ['surrounding spaces are trimmed', '  doc@hillvalley.edu  ', 'doc@hillvalley.edu'],
    ['tabs and newlines are trimmed', '\t\ndoc@hillvalley.edu\r\n', 'doc@hillvalley.edu'],
    ['upper case is lower-cased', 'Doc@HillValley.EDU', 'doc@hillvalley.edu'],
    ['trimmed and lower-cased', '  LORRAINE@HillValley.edu ', 'lorraine@hillvalley.edu'],
    ['plus and dots in the local part are kept', 'Marty.McFly+1985@hillvalley.edu', 'marty.mcfly+1985@hillvalley.edu'],
    ['254 characters is the limit and accepted', emailOfLength(254), emailOfLength(254)],
    ['254 characters after trimming', `   ${emailOfLength(254)}   `, emailOfLength(254)],
    // Characters, not UTF-16 code units: each "😀" is one character but two code units.
    ['254 characters counted as characters, not code units', emailOfLength(254, '😀'), emailOfLength(254, '😀')],
  ])('accepts %s', (_name, input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it.each([
    ['undefined (missing)', undefined],
    ['null', null],
    ['an empty string', ''],
    ['a string of spaces', '   '],
    ['a string of white space', ' \t\n '],
  ])('treats %s as absent (null)', (_name, input) => {
    expect(normalizeEmail(input)).toBeNull();
  });

  it('builds the multi-unit fixture with 254 characters but more code units', () => {
    const email = emailOfLength(254, '😀');
    expect([...email]).toHaveLength(254);
    expect(email.length).toBeGreaterThan(254);
  });

  it.each([
    ['255 characters', emailOfLength(255)],
    ['255 characters of multi-unit characters', emailOfLength(255, '😀')],
    ['far too long', emailOfLength(1000)],
    ['no "@"', 'doc.hillvalley.edu'],
    ['two "@"', 'doc@brown@hillvalley.edu'],
    ['only "@"', '@'],
    ['nothing before "@"', '@hillvalley.edu'],
    ['nothing after "@"', 'doc@'],
    ['a space inside', 'doc brown@hillvalley.edu'],
    ['a tab inside', 'doc\tbrown@hillvalley.edu'],
    ['a newline inside', 'doc@hill\nvalley.edu'],
    ['a non-breaking space inside', 'doc\u00a0brown@hillvalley.edu'],
  ])('rejects an email with %s', (_name, input) => {
    const error = badInput(() => normalizeEmail(input));
    expect(error.message).toContain('email');
  });

  it.each([
    ['a number', 42],
    ['a boolean (true)', true],
    ['a boolean (false)', false],
    ['an object', { address: 'doc@hillvalley.edu' }],
    ['an array', ['doc@hillvalley.edu']],
    ['an empty array', []],
  ])('rejects %s as the wrong type', (_name, input) => {
    const error = badInput(() => normalizeEmail(input));
    expect(error.message).toContain('email');
  });
});

describe('normalizePhone', () => {
  it.each([
    ['digits as a string', '123456', '123456'],
    ['digits as an integer', 123456, '123456'],
    ['zero as an integer', 0, '0'],
    ['a single digit', '7', '7'],
    ['surrounding white space trimmed', '  123456\t', '123456'],
    ['spaces removed', '12 34 56', '123456'],
    ['hyphens removed', '12-34-56', '123456'],
    ['dots removed', '12.34.56', '123456'],
    ['parentheses removed', '(12)3456', '123456'],
    ['every separator removed together', ' (555) 123-45.67 ', '5551234567'],
    ['a leading "+" kept', '+123456', '+123456'],
    ['a leading "+" with separators', '+1 (555) 123-4567', '+15551234567'],
    ['20 digits (the limit)', '1'.repeat(20), '1'.repeat(20)],
    ['"+" and 20 digits', `+${'9'.repeat(20)}`, `+${'9'.repeat(20)}`],
    ['20 digits with separators', '1234-5678-9012-3456-7890', '12345678901234567890'],
    ['leading zeros kept in a string', '00123', '00123'],
    ['the largest safe integer', Number.MAX_SAFE_INTEGER, String(Number.MAX_SAFE_INTEGER)],
  ])('accepts %s', (_name, input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it('treats 123456 and "123456" as the same number', () => {
    expect(normalizePhone(123456)).toBe(normalizePhone('123456'));
    expect(normalizePhone(123456)).toBe('123456');
  });

  it('always returns a string for a number', () => {
    expect(typeof normalizePhone(919191)).toBe('string');
  });

  it.each([
    ['undefined (missing)', undefined],
    ['null', null],
    ['an empty string', ''],
    ['a string of spaces', '    '],
  ])('treats %s as absent (null)', (_name, input) => {
    expect(normalizePhone(input)).toBeNull();
  });

  it.each([
    ['21 digits', '1'.repeat(21)],
    ['"+" and 21 digits', `+${'1'.repeat(21)}`],
    ['21 digits with separators', '1234-5678-9012-3456-78901'],
    ['only "+"', '+'],
    ['two leading "+"', '++123456'],
    ['a "+" not at the start', '123+456'],
    ['a trailing "+"', '123456+'],
    ['letters', '12345a'],
    ['a word', 'call me'],
    ['a slash', '123/456'],
    ['an underscore', '123_456'],
    ['a tab inside', '123\t456'],
    ['non-ASCII digits', '١٢٣٤٥٦'],
  ])('rejects a phone with %s', (_name, input) => {
    const error = badInput(() => normalizePhone(input));
    expect(error.message).toContain('phoneNumber');
  });

  it.each([
    ['a negative integer', -1],
    ['a negative number', -123456],
    ['a fraction', 1.5],
    ['a fraction of a phone number', 123456.7],
    ['an unsafe integer', Number.MAX_SAFE_INTEGER + 1],
    ['a huge number', 1e21],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('rejects %s', (_name, input) => {
    const error = badInput(() => normalizePhone(input));
    expect(error.message).toContain('phoneNumber');
  });

  it.each([
    ['a boolean (true)', true],
    ['a boolean (false)', false],
    ['an object', { number: '123456' }],
    ['an array', ['123456']],
    ['an empty array', []],
    ['a bigint', 123456n],
  ])('rejects %s as the wrong type', (_name, input) => {
    const error = badInput(() => normalizePhone(input));
    expect(error.message).toContain('phoneNumber');
  });
});

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
