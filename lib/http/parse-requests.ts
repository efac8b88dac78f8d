import type { Blocklist } from '../contacts/blocklist.js';
import type { IdentifyRequest } from '../contacts/model.js';
import { describeType, normaliseRequest, normalizeEmail, normalizePhone } from '../contacts/request.js';
import { BadInput } from '../errors.js';
import type { UnlinkRequest } from '../store/privacy-repository.js';
import { type Validate, type ValidationError, validate, validateBlock, validateErase, validateUnlink } from './schema/request-validator.generated.js';

/**
 * Parsed JSON bodies into normalised requests, or BadInput. The structure (an object, known fields,
 * their types) is checked by the validators generated from the request schemas docs/openapi.yaml
 * publishes; the values by the contact rules.
 */

/** POST /identify and /lookup: a configured blocked value is treated as absent. */
export function parseIdentifyRequest(body: unknown, blocklist?: Blocklist): IdentifyRequest {
  const fields = structured(body, validate, ['email', 'phoneNumber']);
  return normaliseRequest(own(fields, 'email'), own(fields, 'phoneNumber'), blocklist);
}

/** POST /block and /unblock: the values themselves, blocked already or not. */
export function parseBlockRequest(body: unknown): IdentifyRequest {
  const fields = structured(body, validateBlock, ['email', 'phoneNumber']);
  return normaliseRequest(own(fields, 'email'), own(fields, 'phoneNumber'));
}

/** POST /erase: the values (blocked ones too: erasure reaches every row that holds them), and `suppress`. */
export function parseEraseRequest(body: unknown): { request: IdentifyRequest; suppress: boolean } {
  const fields = structured(body, validateErase, ['email', 'phoneNumber', 'suppress']);
  return { request: normaliseRequest(own(fields, 'email'), own(fields, 'phoneNumber')), suppress: own(fields, 'suppress') === true };
}

/** POST /unlink: exactly one value (a blocked one too: that is what it is for), and `block`. */
export function parseUnlinkRequest(body: unknown): { request: UnlinkRequest; block: boolean } {
  const fields = structured(body, validateUnlink, ['email', 'phoneNumber', 'block']);
  const { email, phoneNumber } = normaliseRequest(own(fields, 'email'), own(fields, 'phoneNumber'));
  const block = own(fields, 'block') === true;
  if (email !== null && phoneNumber !== null) throw new BadInput('give exactly one of email and phoneNumber: /unlink takes one value out at a time');
  return { request: email !== null ? { email, phoneNumber: null } : { email: null, phoneNumber: phoneNumber! }, block };
}

function structured(body: unknown, check: Validate, fields: readonly string[]): Record<string, unknown> {
  if (!check(body)) throw new BadInput(describeSchemaError(check.errors?.[0], body, fields));
  return body as Record<string, unknown>;
}

/** Words a caller can act on, for the first thing the schema refused. */
function describeSchemaError(error: ValidationError | undefined, body: unknown, accepted: readonly string[]): string {
  const path = error?.instancePath ?? '';
  if (path === '' && error?.keyword === 'additionalProperties') {
    const names = accepted.map((name) => JSON.stringify(name));
    return `unknown field ${JSON.stringify(error.params.additionalProperty)}: only ${names.slice(0, -1).join(', ')} and ${names.at(-1)} are accepted`;
  }
  if (path === '') {
    return `request body must be a JSON object like {"email": "...", "phoneNumber": "..."}, not ${describeType(body)}`;
  }
  const fields = body as Record<string, unknown>;
  try {
    // The normalisers phrase every type error of their field.
    if (path.startsWith('/email')) normalizeEmail(fields.email);
    if (path.startsWith('/phoneNumber')) normalizePhone(fields.phoneNumber);
  } catch (error) {
    if (error instanceof BadInput) return error.message;
  }
  if (path === '/suppress') return `suppress must be true or false, not ${describeType(fields.suppress)}`;
  if (path === '/block') return `block must be true or false, not ${describeType(fields.block)}`;
  return `${path.slice(1)} is not valid: ${error?.message ?? 'wrong type'}`;
}

function own(fields: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(fields, key) ? fields[key] : undefined;
}
