import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { Dependencies } from '../lib/http/dependencies.js';
import { identifyHttp } from '../lib/http/identify-route.js';
import { bodyGuards, errorAnswers, observability } from '../lib/http/middleware-chain.js';
import { readConfig } from '../lib/runtime/config.js';
import { createDependencies } from '../lib/runtime/container.js';

export const MAX_BODY_BYTES = 10 * 1024;
/** middy answers (503) this long before Lambda would end the invocation, and aborts the calls still running. */
const ANSWER_BEFORE_TIMEOUT_MS = 300;

/** POST /identify: the shared middleware groups (lib/http/middleware-chain.ts, where their order is explained) around one call into lib/. */
export function buildHandler(deps: Dependencies) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>({ timeoutEarlyInMillis: ANSWER_BEFORE_TIMEOUT_MS })
    .use(observability(deps))
    .use(errorAnswers(deps))
    .use(bodyGuards({ method: 'POST', path: '/identify' }, MAX_BODY_BYTES))
    .handler((event, context, { signal }) => identifyHttp(deps, event.body, context, signal));
}

// Once per container: configuration, the Data API client and the service.
export const handler = buildHandler(createDependencies(readConfig()));
