import type { Blocklist } from '../contacts/blocklist.js';
import type { IdentifyRequest } from '../contacts/model.js';
import { describeType, normaliseRequest, normalizeEmail, normalizePhone } from '../contacts/request.js';
import { BadInput } from '../errors.js';
import { type ValidationError, validate } from './schema/request-validator.generated.js';

/**
 * Validates a parsed JSON body into a normalised request, or throws BadInput. The structure
 * (an object, known fields, their types) is checked by the validator generated from
 * IdentifyRequestSchema, the schema docs/openapi.yaml publishes; the values by the contact rules.
 */
export function parseIdentifyRequest(body: unknown, blocklist?: Blocklist): IdentifyRequest {
  if (!validate(body)) throw new BadInput(describeSchemaError(validate.errors?.[0], body));
  const fields = body as Record<string, unknown>;
  return normaliseRequest(own(fields, 'email'), own(fields, 'phoneNumber'), blocklist);
}

/** Words a caller can act on, for the first thing the schema refused. */
function describeSchemaError(error: ValidationError | undefined, body: unknown): string {
  const path = error?.instancePath ?? '';
  if (path === '' && error?.keyword === 'additionalProperties') {
    return `unknown field ${JSON.stringify(error.params.additionalProperty)}: only "email" and "phoneNumber" are accepted`;
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
  return `${path.slice(1)} is not valid: ${error?.message ?? 'wrong type'}`;
}

function own(fields: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(fields, key) ? fields[key] : undefined;
}
