import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { LookupDependencies } from '../lib/http/dependencies.js';
import { lookupHttp } from '../lib/http/lookup-route.js';
import { bodyGuards, errorAnswers, observability, ROUTE_DEFAULTS } from '../lib/http/middleware-chain.js';
import { readConfig } from '../lib/runtime/config.js';
import { createDependencies } from '../lib/runtime/container.js';

/** POST /lookup: the shared middleware groups (lib/http/middleware-chain.ts) around one call into lib/. */
export function buildHandler(deps: LookupDependencies) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>({ timeoutEarlyInMillis: ROUTE_DEFAULTS.answerBeforeTimeoutMs })
    .use(observability(deps))
    .use(errorAnswers(deps))
    .use(bodyGuards({ method: 'POST', path: '/lookup' }, ROUTE_DEFAULTS.maxBodyBytes))
    .handler((event, context, { signal }) => lookupHttp(deps, event.body, context, signal));
}

// Once per container: configuration, the Data API client and the service.
export const handler = buildHandler(createDependencies(readConfig()));
