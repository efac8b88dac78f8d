import { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { LOCAL_DEFAULTS, type LocalDataApi, type LocalDataApiOptions, startLocalDataApi } from 'local-data-api';
import { buildHandler } from '../../functions/identify.js';
import type { Config } from '../../lib/runtime/config.js';
import { createDependencies } from '../../lib/runtime/container.js';
import { stack } from './helpers.js';
import type { Handler } from './lambda-events.js';

/**
 * A local Data API server of a test's own (so it can flip fault switches or cut the database
 * without disturbing other tests), on the shared test database, and a handler built on it as the
 * Lambda container builds one.
 */
export interface OwnDataApi {
  server: LocalDataApi;
  client: RDSDataClient;
  config: Config;
  handler: Handler;
}

export async function startOwnDataApi(options: { server?: Partial<LocalDataApiOptions>; logger?: Logger; metrics?: Metrics } = {}): Promise<OwnDataApi> {
  const server = await startLocalDataApi({ port: 0, mysqlUrl: stack().mysqlUrl, defaultDatabase: stack().dbName, ...options.server });
  const client = new RDSDataClient({ endpoint: server.url, region: LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials, maxAttempts: 1 });
  const config: Config = { resourceArn: LOCAL_DEFAULTS.resourceArn, secretArn: LOCAL_DEFAULTS.secretArn, database: stack().dbName, requestTimeoutMs: 5_000 };
  const deps = createDependencies(config, { client, logger: options.logger ?? new Logger({ logLevel: 'SILENT' }), metrics: options.metrics });
  return { server, client, config, handler: buildHandler(deps) as Handler };
}
