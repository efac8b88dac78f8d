import type { PrivacyDependencies } from '../lib/http/dependencies.js';
import { routeHandler } from '../lib/http/middleware-chain.js';
import { blockHttp } from '../lib/http/privacy-routes.js';
import { readConfig } from '../lib/runtime/config.js';
import { createDependencies } from '../lib/runtime/container.js';

/** POST /block: the shared middleware groups (lib/http/middleware-chain.ts) around one call into lib/. */
export function buildHandler(deps: PrivacyDependencies) {
  return routeHandler(deps, '/block', (event, context, signal) => blockHttp(deps, event, context, signal));
}

// Once per container: configuration, the Data API client and the service.
export const handler = buildHandler(createDependencies(readConfig()));
