import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BadInput } from '../../errors.js';

/** Refuses a body over `maxBytes` with 413 before anything parses it. */
export function bodySizeLimit(maxBytes: number): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: ({ event }) => {
      // API Gateway always sends a string; serverless-offline hands some JSON bodies over already parsed.
      const body: unknown = event.body ?? '';
      const text = typeof body === 'string' ? body : (JSON.stringify(body) ?? '');
      const bytes = event.isBase64Encoded ? Buffer.byteLength(text, 'base64') : Buffer.byteLength(text, 'utf8');
      if (bytes > maxBytes) {
        throw new BadInput(`request body must be at most ${maxBytes} bytes; this one has ${bytes}`, 413);
      }
    },
  };
}
