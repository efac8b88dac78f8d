import { BlocklistError } from '../errors.js';
import type { IdentifyResponse } from './model.js';

/**
 * Emails and phone numbers that identify nobody (a store's own phone, `test@test.com`), set by the
 * operator (BLOCKED_EMAILS, BLOCKED_PHONES). A blocked value is treated as absent: never matched,
 * never stored, never answered. Entries are compared with the NORMALISED value, so an exact entry is
 * normalised by the same rules as a request (`Test@Test.com` blocks `test@test.com`,
 * `+1 (555) 010-0000` blocks `+15550100000`).
 *
 * Syntax of one variable: entries separated by commas (white space around them ignored).
 *   - `/regex/`: a regular expression (JavaScript syntax, `u` flag), searched in the normalised value;
 *     it may contain commas (`/^0{6,}$/`): it ends at the `/` followed by a comma or the end.
 *   - an entry starting with `^` or ending with `$` (`^0+$`): a regular expression too (no commas).
 *   - anything else: one exact value.
 * An entry that is not a valid regular expression, or an exact value that is not a valid email/phone,
 * fails the cold start naming the variable (config is read once, lib/runtime/config.ts).
 */
export interface Blocklist {
  blocksEmail(email: string): boolean;
  blocksPhone(phoneNumber: string): boolean;
}

/** The default: nothing blocked. */
export const NOTHING_BLOCKED: Blocklist = { blocksEmail: () => false, blocksPhone: () => false };

export type ValueMatcher = (normalised: string) => boolean;

/**
 * Parses one variable's value into a matcher. `normalise` is the request's normaliser for that field
 * (it throws on an invalid value); errors name `variable`, never quote more than the bad entry.
 */
export function parseBlockedValues(variable: string, raw: string | undefined, normalise: (value: string) => string | null): ValueMatcher {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of splitEntries(raw ?? '')) {
    const source = regexSource(entry);
    if (source !== undefined) {
      patterns.push(compile(variable, entry, source));
      continue;
    }
    let value: string | null;
    try {
      value = normalise(entry);
    } catch (error) {
      throw new BlocklistError(`${variable}: the entry "${entry}" is neither a valid value nor a /regex/ (${(error as Error).message})`);
    }
    if (value !== null) exact.add(value);
  }
  if (exact.size === 0 && patterns.length === 0) return () => false;
  return (normalised) => exact.has(normalised) || patterns.some((pattern) => pattern.test(normalised));
}

/** The entries of a variable: split on commas, except inside a `/.../` entry. */
export function splitEntries(raw: string): string[] {
  const entries: string[] = [];
  let rest = raw.trim();
  while (rest !== '') {
    let end: number;
    if (rest.startsWith('/')) {
      end = closingSlash(rest);
      end = end < 0 ? rest.length : end + 1;
    } else {
      end = rest.indexOf(',');
      if (end < 0) end = rest.length;
    }
    const entry = rest.slice(0, end).trim();
    if (entry !== '') entries.push(entry);
    rest = rest
      .slice(end)
      .replace(/^\s*,?/, '')
      .trim();
  }
  return entries;
}

/** Index of the `/` that closes a `/regex/` entry: unescaped, followed by a comma or the end. */
function closingSlash(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '/' && /^\s*(,|$)/.test(text.slice(i + 1))) return i;
  }
  return -1;
}

function regexSource(entry: string): string | undefined {
  if (entry.length >= 2 && entry.startsWith('/') && entry.endsWith('/')) return entry.slice(1, -1);
  if (entry.startsWith('^') || entry.endsWith('$')) return entry;
  return undefined;
}

function compile(variable: string, entry: string, source: string): RegExp {
  try {
    return new RegExp(source, 'u');
  } catch (error) {
    throw new BlocklistError(`${variable}: the entry "${entry}" is not a valid regular expression (${(error as Error).message})`);
  }
}

/**
 * The answer without blocked values: rows stored before a value was blocked keep it in the
 * database, but it is never answered. Applied to every response just before it is serialised.
 */
export function withoutBlockedValues(response: IdentifyResponse, blocklist: Blocklist): IdentifyResponse {
  const { contact } = response;
  const emails = contact.emails.filter((email) => !blocklist.blocksEmail(email));
  const phoneNumbers = contact.phoneNumbers.filter((phone) => !blocklist.blocksPhone(phone));
  if (emails.length === contact.emails.length && phoneNumbers.length === contact.phoneNumbers.length) return response;
  return { ...response, contact: { ...contact, emails, phoneNumbers } };
}
