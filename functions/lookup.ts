import type { LookupDependencies } from '../lib/http/dependencies.js';
import { lookupHttp } from '../lib/http/lookup-route.js';
import { routeHandler } from '../lib/http/middleware-chain.js';
import { readConfig } from '../lib/runtime/config.js';
import { createDependencies } from '../lib/runtime/container.js';

/** POST /lookup: the shared middleware groups (lib/http/middleware-chain.ts) around one call into lib/. */
export function buildHandler(deps: LookupDependencies) {
  return routeHandler(deps, '/lookup', (event, context, signal) => lookupHttp(deps, event.body, context, signal));
}

// Once per container: configuration, the Data API client and the service.
export const handler = buildHandler(createDependencies(readConfig()));
