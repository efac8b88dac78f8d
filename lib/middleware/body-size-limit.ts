import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BadInput } from '../errors.js';

/** Refuses a body over `maxBytes` with 413 before anything parses it. */
export function bodySizeLimit(maxBytes: number): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: ({ event }) => {
      const body = event.body ?? '';
      const bytes = event.isBase64Encoded ? Buffer.byteLength(body, 'base64') : Buffer.byteLength(body, 'utf8');
      if (bytes > maxBytes) {
        throw new BadInput(`request body must be at most ${maxBytes} bytes; this one has ${bytes}`, 413);
      }
    },
  };
}
