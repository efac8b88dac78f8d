import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { readBlocklist, readConfig } from '../runtime/config.js';
import { NOTHING_BLOCKED, parseBlockedValues, splitEntries, withoutBlockedValues } from './blocklist.js';
import { normalizeEmail, normalizePhone } from './request.js';

const emails = (raw: string) => parseBlockedValues('BLOCKED_EMAILS', raw, normalizeEmail);
const phones = (raw: string) => parseBlockedValues('BLOCKED_PHONES', raw, normalizePhone);

describe('splitEntries', () => {
  it.each([
    ['', []],
    ['  ', []],
    ['a@b.co', ['a@b.co']],
    [' a@b.co , c@d.co ,, ', ['a@b.co', 'c@d.co']],
    ['^0+$,123', ['^0+$', '123']],
    ['/^0{6,}$/,123', ['/^0{6,}$/', '123']],
    ['/a,b/ , /c\\/,d/', ['/a,b/', '/c\\/,d/']],
    ['test@test.com,/^noreply@/', ['test@test.com', '/^noreply@/']],
  ])('splits %j', (raw, expected) => {
    expect(splitEntries(raw)).toEqual(expected);
  });
});

describe('parseBlockedValues', () => {
  it('blocks nothing when empty or unset', () => {
    expect(emails('')('test@test.com')).toBe(false);
    expect(parseBlockedValues('BLOCKED_EMAILS', undefined, normalizeEmail)('test@test.com')).toBe(false);
  });

  it('compares exact entries after normalising them like a request', () => {
    const blocked = emails(' Test@Test.COM ');
    expect(blocked('test@test.com')).toBe(true);
    expect(blocked('test@test.co')).toBe(false);
    const blockedPhone = phones('+1 (555) 010-0000');
    expect(blockedPhone('+15550100000')).toBe(true);
    expect(blockedPhone('15550100000')).toBe(false);
  });

  it('treats /.../ and ^...$ entries as regular expressions over the normalised value', () => {
    const blocked = phones('^0+$,/^1{6,}$/');
    expect(blocked('0')).toBe(true);
    expect(blocked('0000000')).toBe(true);
    expect(blocked('000100')).toBe(false);
    expect(blocked('111111')).toBe(true);
    expect(blocked('11111')).toBe(false);
    const blockedEmail = emails('/@example\\.(com|org)$/');
    expect(blockedEmail('anyone@example.com')).toBe(true);
    expect(blockedEmail('anyone@example.net')).toBe(false);
  });

  it('fails fast naming the variable for an invalid regular expression', () => {
    expect(() => phones('^0+$,/([/')).toThrow(/BLOCKED_PHONES.*"\/\(\[\/".*not a valid regular expression/);
    expect(() => phones('^(0+$')).toThrow(/BLOCKED_PHONES/);
  });

  it('fails fast naming the variable for an exact entry that is not a valid value', () => {
    expect(() => emails('not an email')).toThrow(/BLOCKED_EMAILS.*"not an email"/);
    expect(() => phones('12ab')).toThrow(/BLOCKED_PHONES.*"12ab"/);
  });
});

describe('readConfig', () => {
  const base = { DB_CLUSTER_ARN: 'arn:c', DB_SECRET_ARN: 'arn:s', DB_NAME: 'identify' };

  it('blocks nothing and warns above 1000 by default', () => {
    const config = readConfig(base);
    expect(config.blocklist!.blocksEmail('test@test.com')).toBe(false);
    expect(config.blocklist!.blocksPhone('0000')).toBe(false);
    expect(config.largeGroupWarningSize).toBe(1000);
  });

  it('reads the stage that labels the metrics (STAGE), local when unset', () => {
    expect(readConfig({ ...base, STAGE: 'prod' }).stage).toBe('prod');
    expect(readConfig(base).stage).toBe('local');
    expect(readConfig({ ...base, STAGE: ' ' }).stage).toBe('local');
  });

  it('reads BLOCKED_EMAILS, BLOCKED_PHONES and LARGE_GROUP_WARNING_SIZE', () => {
    const config = readConfig({ ...base, BLOCKED_EMAILS: 'test@test.com', BLOCKED_PHONES: '^0+$', LARGE_GROUP_WARNING_SIZE: '50' });
    expect(config.blocklist!.blocksEmail('test@test.com')).toBe(true);
    expect(config.blocklist!.blocksPhone('000')).toBe(true);
    expect(config.blocklist!.blocksPhone('123')).toBe(false);
    expect(config.largeGroupWarningSize).toBe(50);
  });

  it('fails the cold start with a ConfigError naming the variable', () => {
    expect(() => readBlocklist({ BLOCKED_EMAILS: '/(/' })).toThrow(ConfigError);
    expect(() => readBlocklist({ BLOCKED_EMAILS: '/(/' })).toThrow(/environment variable BLOCKED_EMAILS/);
    expect(() => readConfig({ ...base, LARGE_GROUP_WARNING_SIZE: 'many' })).toThrow(/LARGE_GROUP_WARNING_SIZE/);
  });
});

describe('withoutBlockedValues', () => {
  const response = {
    contact: { primaryContactId: 1, emails: ['a@b.co', 'test@test.com'], phoneNumbers: ['000', '123'], secondaryContactIds: [2, 3] },
  };

  it('leaves blocked values out of an answer, ids untouched', () => {
    const blocklist = { blocksEmail: emails('test@test.com'), blocksPhone: phones('^0+$') };
    expect(withoutBlockedValues(response, blocklist)).toEqual({
      contact: { primaryContactId: 1, emails: ['a@b.co'], phoneNumbers: ['123'], secondaryContactIds: [2, 3] },
    });
  });

  it('returns the answer itself when nothing is blocked', () => {
    expect(withoutBlockedValues(response, NOTHING_BLOCKED)).toBe(response);
  });
});
