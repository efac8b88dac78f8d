/**
 * The JSON Schemas of POST /identify: the one source for both openapi.yaml (written by
 * `npm run openapi`) and the handler's structural validation (an ajv validator generated from
 * IdentifyRequestSchema into request-validator.generated.js by the same command).
 * The rules JSON Schema cannot say (normalisation, then the email and phone shapes) live in
 * lib/contacts/request.ts and are described here in words.
 */

const MAX_SAFE_PHONE_NUMBER = Number.MAX_SAFE_INTEGER;

export const IdentifyRequestSchema = {
  $id: 'IdentifyRequest',
  type: 'object',
  additionalProperties: false,
  description:
    'At least one of email and phoneNumber must be present after normalisation (null, missing and empty mean absent). Any other field is refused. A value the operator blocked (BLOCKED_EMAILS, BLOCKED_PHONES) counts as absent: a request whose only values are blocked is refused (400). The body must be UTF-8 without a byte-order mark; a value holding U+FFFD (bytes that were not UTF-8) is refused.',
  properties: {
    email: {
      type: ['string', 'null'],
      description:
        'Trimmed, then lower-cased; an empty string means absent. It must look like an address: exactly one "@" with text on both sides, no white space or control characters, at most 254 characters.',
      examples: ['lorraine@hillvalley.edu'],
    },
    phoneNumber: {
      description:
        'A string, or a non-negative integer (123456 and "123456" are the same number). Trimmed; spaces, hyphens, dots and parentheses removed; an empty result means absent. What is left must be 1 to 20 digits with an optional leading "+".',
      oneOf: [{ type: 'string', examples: ['123456', '+1 (555) 010-9999'] }, { type: 'integer', minimum: 0, maximum: MAX_SAFE_PHONE_NUMBER }, { type: 'null' }],
    },
  },
} as const;

/** POST /block and /unblock: the values, normalised as /identify's; a configured blocked value counts here. */
export const BlockRequestSchema = {
  $id: 'BlockRequest',
  type: 'object',
  additionalProperties: false,
  description:
    'At least one of email and phoneNumber, normalised as for /identify. The values are kept only as the SHA-256 of the normalised value, never in clear.',
  properties: { email: IdentifyRequestSchema.properties.email, phoneNumber: IdentifyRequestSchema.properties.phoneNumber },
} as const;

/** POST /erase: the values whose groups are erased, and whether they become stored blocked values. */
export const EraseRequestSchema = {
  $id: 'EraseRequest',
  type: 'object',
  additionalProperties: false,
  description:
    'At least one of email and phoneNumber, normalised as for /identify; blocked values count here (erasure reaches every row that holds a given value). Every group that holds one of them is erased as one step.',
  properties: {
    email: IdentifyRequestSchema.properties.email,
    phoneNumber: IdentifyRequestSchema.properties.phoneNumber,
    suppress: { type: 'boolean', description: 'true: every email and phone of the erased groups, and the given values, become stored blocked values.' },
  },
} as const;

/** POST /unlink: exactly one value to take out of every row, and whether it becomes a stored blocked value. */
export const UnlinkRequestSchema = {
  $id: 'UnlinkRequest',
  type: 'object',
  additionalProperties: false,
  description:
    'Exactly one of email and phoneNumber present after normalisation, normalised as for /identify; a blocked value counts here (that is what /unlink is for). Every live contact holding it loses it, and the groups that held it are recomputed, as one step.',
  properties: {
    email: IdentifyRequestSchema.properties.email,
    phoneNumber: IdentifyRequestSchema.properties.phoneNumber,
    block: { type: 'boolean', description: 'true: the value also becomes a stored blocked value (its SHA-256, never in clear).' },
  },
} as const;

export const ContactResponseSchema = {
  $id: 'ContactResponse',
  type: 'object',
  additionalProperties: false,
  required: ['contact'],
  properties: {
    contact: {
      type: 'object',
      additionalProperties: false,
      required: ['primaryContactId', 'emails', 'phoneNumbers', 'secondaryContactIds'],
      properties: {
        primaryContactId: { type: 'integer', minimum: 1, description: "The id of the group's primary contact, its oldest row." },
        emails: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'string' },
          description: "Distinct emails of the group: the primary's first, then in row order (createdAt, then id).",
        },
        phoneNumbers: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'string' },
          description: "Distinct phone numbers of the group, always strings: the primary's first, then in row order.",
        },
        secondaryContactIds: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'integer', minimum: 1 },
          description: "Ids of the group's secondary contacts, in row order.",
        },
      },
    },
  },
} as const;

/** POST /lookup's answer: every group that holds the email or the phone, each as /identify answers one, by primaryContactId. */
export const LookupResponseSchema = {
  $id: 'LookupResponse',
  type: 'object',
  additionalProperties: false,
  required: ['contacts'],
  properties: {
    contacts: {
      type: 'array',
      items: ContactResponseSchema.properties.contact,
      description:
        'The groups holding the email or the phone, apart (nothing is merged), ordered by primaryContactId; empty when no live contact holds either.',
    },
  },
} as const;

/** POST /erase's answer. */
export const EraseResponseSchema = {
  $id: 'EraseResponse',
  type: 'object',
  additionalProperties: false,
  required: ['erased'],
  properties: {
    erased: {
      type: 'object',
      additionalProperties: false,
      required: ['contacts', 'primaryContactIds'],
      properties: {
        contacts: { type: 'integer', minimum: 0, description: 'Live contacts erased (now tombstones: no email, no phone, deletedAt set, the id kept).' },
        primaryContactIds: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'integer', minimum: 1 },
          description: 'The primaries of the erased groups, ascending.',
        },
      },
    },
  },
} as const;

/** POST /unlink's answer. */
export const UnlinkResponseSchema = {
  $id: 'UnlinkResponse',
  type: 'object',
  additionalProperties: false,
  required: ['unlinked'],
  properties: {
    unlinked: {
      type: 'object',
      additionalProperties: false,
      required: ['contacts', 'primaryContactIds'],
      properties: {
        contacts: {
          type: 'integer',
          minimum: 0,
          description: 'Contacts whose row changed: they lost the value (deleted when left with neither an email nor a phone), or were linked anew.',
        },
        primaryContactIds: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'integer', minimum: 1 },
          description: 'The primaries of the groups that result from those that held the value, ascending.',
        },
      },
    },
  },
} as const;

/** POST /block's and /unblock's answers. */
export const BlockResponseSchema = {
  $id: 'BlockResponse',
  type: 'object',
  additionalProperties: false,
  required: ['blocked'],
  properties: { blocked: { type: 'integer', minimum: 0, description: 'Values newly blocked (0 for one blocked already).' } },
} as const;

export const UnblockResponseSchema = {
  $id: 'UnblockResponse',
  type: 'object',
  additionalProperties: false,
  required: ['unblocked'],
  properties: { unblocked: { type: 'integer', minimum: 0, description: 'Stored blocked values removed (configured lists stay).' } },
} as const;

export const ErrorResponseSchema = {
  $id: 'ErrorResponse',
  type: 'object',
  additionalProperties: false,
  required: ['message'],
  properties: { message: { type: 'string', minLength: 1, description: 'What is wrong, in words a caller can act on.' } },
} as const;

/** The 422 of POST /identify (lib/errors.ts GroupTooLarge), for openapi.yaml. */
export const GroupTooLargeResponse = {
  description:
    'The group the request belongs to is too large to return: its answer would exceed what a Lambda response can carry (6,291,556 bytes, quotes escaped). Nothing was written; the message says how many contacts the group has.',
  example: 'the contact group has 180000 contacts: too large to return (its answer would take 6512345 bytes; a response carries at most 6275172)',
} as const;
