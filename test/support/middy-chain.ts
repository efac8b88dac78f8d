import { Logger } from '@aws-lambda-powertools/logger';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { vi } from 'vitest';
import { errorAnswers } from '../../lib/http/middleware-chain.js';
import { apiEvent, lambdaContext } from './lambda-events.js';

/**
 * A real middy chain without I/O, for the middlewares' fast tests, in the handler's order: `outer`
 * middlewares (those functions/identify.ts registers before the error handling, so their onError
 * sees the final status), the same error answers (lib/http/middleware-chain.ts), the
 * middlewares under test, and a handler that records the event it was given.
 */
export interface ChainAnswer {
  status: number;
  headers: Record<string, string>;
  message?: string;
  /** The event as the handler saw it (undefined when a middleware refused the request). */
  seen?: APIGatewayProxyEventV2;
}

export async function throughChain(
  middlewares: MiddlewareObj<APIGatewayProxyEventV2>[],
  event: APIGatewayProxyEventV2 = apiEvent('{"email":"a@b.co"}'),
  options: {
    logger?: Logger;
    context?: Context;
    outer?: MiddlewareObj<APIGatewayProxyEventV2>[];
    handler?: (event: APIGatewayProxyEventV2) => Promise<unknown>;
  } = {},
): Promise<ChainAnswer> {
  let seen: APIGatewayProxyEventV2 | undefined;
  const chain = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>();
  for (const middleware of options.outer ?? []) chain.use(middleware);
  chain.use(errorAnswers({ logger: options.logger ?? new Logger({ logLevel: 'SILENT' }) }));
  for (const middleware of middlewares) chain.use(middleware);
  const handler = chain.handler(async (received) => {
    seen = structuredClone(received);
    await options.handler?.(received);
    return { statusCode: 200, body: '{}' };
  });
  const result = await handler(event, options.context ?? lambdaContext());
  const body = result.body ? (JSON.parse(result.body) as { message?: string }) : {};
  return { status: result.statusCode ?? 200, headers: (result.headers ?? {}) as Record<string, string>, message: body.message, seen };
}

/** Everything written to stdout and stderr while `action` runs, as lines (Powertools logs errors to stderr). */
export async function loggedLines(action: () => Promise<unknown>): Promise<string[]> {
  const written: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture), vi.spyOn(process.stderr, 'write').mockImplementation(capture)];
  try {
    await action();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/** An API Gateway event whose body is the given bytes, base64-encoded as API Gateway sends binary bodies. */
export function bytesEvent(bytes: Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json' }): APIGatewayProxyEventV2 {
  return { ...apiEvent(Buffer.from(bytes).toString('base64'), headers), isBase64Encoded: true };
}
