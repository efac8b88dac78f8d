import { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { LOCAL_DEFAULTS, type LocalDataApi, type LocalDataApiOptions, startLocalDataApi } from 'local-data-api';
import { buildHandler as buildBlockHandler } from '../../functions/block.js';
import { buildHandler as buildEraseHandler } from '../../functions/erase.js';
import { buildHandler } from '../../functions/identify.js';
import { buildHandler as buildLookupHandler } from '../../functions/lookup.js';
import { buildHandler as buildUnblockHandler } from '../../functions/unblock.js';
import type { Config } from '../../lib/runtime/config.js';
import { createDependencies } from '../../lib/runtime/container.js';
import { stack } from './helpers.js';
import type { Handler } from './lambda-events.js';

/**
 * A local Data API server of a test's own (so it can flip fault switches or cut the database
 * without disturbing other tests), on the shared test database, and handlers built on it as the
 * Lambda containers build them.
 */
export interface OwnDataApi {
  server: LocalDataApi;
  client: RDSDataClient;
  config: Config;
  /** POST /identify's. */
  handler: Handler;
  /** Every route's, on the same container dependencies (send each with its own path: `invoke(…, { path })`). */
  handlers: Record<'identify' | 'lookup' | 'erase' | 'block' | 'unblock', Handler>;
}

export async function startOwnDataApi(options: { server?: Partial<LocalDataApiOptions>; logger?: Logger; metrics?: Metrics } = {}): Promise<OwnDataApi> {
  const server = await startLocalDataApi({ port: 0, mysqlUrl: stack().mysqlUrl, defaultDatabase: stack().dbName, ...options.server });
  const client = new RDSDataClient({ endpoint: server.url, region: LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials, maxAttempts: 1 });
  const config: Config = { resourceArn: LOCAL_DEFAULTS.resourceArn, secretArn: LOCAL_DEFAULTS.secretArn, database: stack().dbName, requestTimeoutMs: 5_000 };
  const deps = createDependencies(config, { client, logger: options.logger ?? new Logger({ logLevel: 'SILENT' }), metrics: options.metrics });
  const handler = buildHandler(deps) as Handler;
  const handlers = {
    identify: handler,
    lookup: buildLookupHandler(deps) as Handler,
    erase: buildEraseHandler(deps) as Handler,
    block: buildBlockHandler(deps) as Handler,
    unblock: buildUnblockHandler(deps) as Handler,
  };
  return { server, client, config, handler, handlers };
}
