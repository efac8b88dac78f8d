import type { Blocklist } from '../contacts/blocklist.js';
import type { IdentifyRequest } from '../contacts/model.js';
import { describeType, normaliseRequest, normalizeEmail, normalizePhone } from '../contacts/request.js';
import { BadInput } from '../errors.js';
import { type Validate, type ValidationError, validate, validateBlock, validateErase } from './schema/request-validator.generated.js';

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
  return `${path.slice(1)} is not valid: ${error?.message ?? 'wrong type'}`;
}

function own(fields: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(fields, key) ? fields[key] : undefined;
}
