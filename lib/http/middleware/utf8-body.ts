import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BadInput } from '../../errors.js';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const BYTE_ORDER_MARK = '\uFEFF';

/**
 * Makes the body UTF-8 text, or refuses it (400). A body that reaches the handler as bytes
 * (base64, `isBase64Encoded`) is decoded strictly: bytes that are not UTF-8 are refused instead of
 * becoming U+FFFD, which would make `caf\xe9` and `caf\xe8` the same value. A body that arrives as a
 * string was decoded upstream (API Gateway for text media types, serverless-offline locally) and may
 * already hold U+FFFD: lib/contacts/request.ts refuses that character in the email and the phone.
 * A leading byte-order mark is refused by name (JSON forbids it, and its message would quote an
 * invisible character). Runs after the size limit and before anything reads the text.
 */
export function utf8Body(): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: ({ event }) => {
      if (typeof event.body !== 'string') return;
      if (event.isBase64Encoded) {
        event.body = decodeUtf8(Buffer.from(event.body, 'base64'));
        event.isBase64Encoded = false;
      }
      if (event.body.startsWith(BYTE_ORDER_MARK)) {
        throw new BadInput('request body starts with a byte-order mark (U+FEFF): send UTF-8 without a BOM');
      }
    },
  };
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    throw new BadInput('request body is not valid UTF-8: send the JSON encoded as UTF-8');
  }
}
