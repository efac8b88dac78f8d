import type { Dependencies } from '../lib/http/dependencies.js';
import { identifyHttp } from '../lib/http/identify-route.js';
import { routeHandler } from '../lib/http/middleware-chain.js';
import { readConfig } from '../lib/runtime/config.js';
import { createDependencies } from '../lib/runtime/container.js';

/** POST /identify: the shared middleware groups (lib/http/middleware-chain.ts, where their order is explained) around one call into lib/. */
export function buildHandler(deps: Dependencies) {
  return routeHandler(deps, '/identify', (event, context, signal) => identifyHttp(deps, event.body, context, signal));
}

// Once per container: configuration, the Data API client and the service.
export const handler = buildHandler(createDependencies(readConfig()));
