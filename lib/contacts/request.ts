import { BadInput } from '../errors.js';
import { type Blocklist, NOTHING_BLOCKED } from './blocklist.js';
import type { IdentifyRequest } from './model.js';

const MAX_EMAIL_LENGTH = 254;
const MAX_PHONE_DIGITS = 20;
// White space and control characters have no place in an address (contract: "no white space").
const FORBIDDEN_IN_EMAIL = /[\s\p{Cc}\p{Cf}]/u;
const PHONE_SEPARATORS = /[ \-.()]/g;
const PHONE_SHAPE = new RegExp(`^\\+?[0-9]{1,${MAX_PHONE_DIGITS}}$`);
// U+FFFD is what a decoder leaves where bytes were not UTF-8 (API Gateway and serverless-offline hand
// the handler a decoded string): two different invalid bytes would read as one value and merge two people.
const REPLACEMENT_CHARACTER = '\uFFFD';

/** Trim, lower-case, validate. `null` means absent (missing, null or empty). */
export function normalizeEmail(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    throw new BadInput(`email must be a string or null, not ${describeType(value)}`);
  }
  const email = value.trim().toLowerCase();
  if (email === '') return null;
  refuseReplacementCharacter('email', email);
  if ([...email].length > MAX_EMAIL_LENGTH) {
    throw new BadInput(`email must be at most ${MAX_EMAIL_LENGTH} characters`);
  }
  if (!email.isWellFormed()) {
    throw new BadInput('email must be valid Unicode text (it contains a lone surrogate)');
  }
  if (FORBIDDEN_IN_EMAIL.test(email)) {
    throw new BadInput('email must not contain white space or control characters');
  }
  const parts = email.split('@');
  if (parts.length !== 2) {
    throw new BadInput('email must contain exactly one "@", as in name@example.com');
  }
  if (parts[0] === '' || parts[1] === '') {
    throw new BadInput('email needs a name before and a domain after the "@", as in name@example.com');
  }
  return email;
}

/** Accepts a string or a non-negative safe integer; strips separators; validates. `null` means absent. */
export function normalizePhone(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) {
      throw new BadInput('phoneNumber given as a number must be a non-negative integer; send other forms as a string');
    }
    if (!Number.isSafeInteger(value)) {
      throw new BadInput('phoneNumber is too large to be sent as a JSON number without losing digits; send it as a string');
    }
    text = String(value);
  } else if (typeof value === 'string') {
    text = value;
  } else {
    throw new BadInput(`phoneNumber must be a string, a non-negative integer or null, not ${describeType(value)}`);
  }
  refuseReplacementCharacter('phoneNumber', text);
  const phone = text.trim().replace(PHONE_SEPARATORS, '');
  if (phone === '') return null;
  if (!PHONE_SHAPE.test(phone)) {
    throw new BadInput(
      `phoneNumber must be digits with an optional leading "+" (1 to ${MAX_PHONE_DIGITS} digits; spaces, hyphens, dots and parentheses are ignored)`,
    );
  }
  return phone;
}

/**
 * The value rules over a request's two fields (already of the right types): normalised, a blocked
 * value treated as absent (never matched nor stored), at least one left. Throws BadInput otherwise.
 */
export function normaliseRequest(email: unknown, phoneNumber: unknown, blocklist: Blocklist = NOTHING_BLOCKED): IdentifyRequest {
  const request = { email: normalizeEmail(email), phoneNumber: normalizePhone(phoneNumber) };
  if (request.email === null && request.phoneNumber === null) throw new BadInput('give at least one of "email" and "phoneNumber" (non-empty)');
  return withoutBlocked(request, {
    email: request.email !== null && blocklist.blocksEmail(request.email),
    phone: request.phoneNumber !== null && blocklist.blocksPhone(request.phoneNumber),
  });
}

/** The request with its blocked keys (configured or stored) absent; BadInput when none is left. */
export function withoutBlocked(request: IdentifyRequest, blocked: { email: boolean; phone: boolean }): IdentifyRequest {
  if (!blocked.email && !blocked.phone) return request;
  const kept = { email: blocked.email ? null : request.email, phoneNumber: blocked.phone ? null : request.phoneNumber };
  if (kept.email === null && kept.phoneNumber === null) {
    throw new BadInput(describeBlocked([...(blocked.email ? ['email'] : []), ...(blocked.phone ? ['phoneNumber'] : [])]));
  }
  return kept;
}

function describeBlocked(fields: string[]): string {
  const [verb, pronoun] = fields.length > 1 ? ['are', 'them'] : ['is', 'it'];
  return `${fields.join(' and ')} ${verb} blocked: not usable to identify a customer (the operator listed ${pronoun} as identifying nobody); send the customer's own email or phone number`;
}

function refuseReplacementCharacter(field: string, value: string): void {
  if (value.includes(REPLACEMENT_CHARACTER)) {
    throw new BadInput(`${field} contains the replacement character U+FFFD, which stands for bytes that were not valid UTF-8: send the body as valid UTF-8`);
  }
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
