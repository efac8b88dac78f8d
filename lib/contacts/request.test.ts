import { describe, expect, it } from 'vitest';
import { badInput, emailOfLength } from '../../test/support/bad-input.js';
import { normalizeEmail, normalizePhone } from './request.js';

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
