import { MIMEType } from 'node:util';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BadInput } from '../../errors.js';

/**
 * Refuses (415) a request whose Content-Type is missing, not application/json, or names a charset
 * other than UTF-8. Media types are case-insensitive and may carry parameters
 * (`APPLICATION/JSON; charset=UTF-8` is fine). Parsed by Node's own WHATWG MIME type parser
 * (util.MIMEType) rather than a hand-written pattern: quoting, case and white space are its job.
 * Runs after the header normaliser, so the header's name is lower case.
 */
export function jsonContentType(): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: ({ event }) => {
      const type = acceptedContentType(event.headers?.['content-type']);
      // Written back in canonical form (lower-case type): middy's JSON parser, next in line, checks
      // the media type again, case-sensitively, and must accept what was accepted here.
      event.headers = { ...event.headers, 'content-type': type.toString() };
    },
  };
}

/** The parsed media type when `header` is acceptable; otherwise throws BadInput 415 saying why. */
function acceptedContentType(header: string | undefined): MIMEType {
  if (header === undefined || header.trim() === '') {
    throw new BadInput('Content-Type is missing: send Content-Type: application/json', 415);
  }
  let type: MIMEType;
  try {
    type = new MIMEType(header);
  } catch {
    throw new BadInput('Content-Type is not a valid media type: send Content-Type: application/json', 415);
  }
  if (type.essence !== 'application/json') {
    throw new BadInput(`Content-Type must be application/json, not ${type.essence}`, 415);
  }
  const charset = type.params.get('charset');
  if (charset !== null && charset.toLowerCase() !== 'utf-8') {
    throw new BadInput(`Content-Type charset must be utf-8 (the body must be UTF-8 JSON), not ${JSON.stringify(charset)}`, 415);
  }
  return type;
}
