import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { LOCAL_DEFAULTS, type LocalDataApi, type LocalDataApiOptions, startLocalDataApi } from 'local-data-api';
import { DataApiExecutor } from '../../lib/store/data-api/executor.js';
import { runMigrations } from '../../lib/store/migrations/index.js';
import { resolveDatabase } from './database/resolve-database.js';
import type { LocalPrincipal } from './gateway/auth.js';
import { LOCAL_PRINCIPAL, LOCAL_PRINCIPALS } from './gateway/local-principal.js';
import { startGateway } from './gateway/server.js';
import { dropDatabase, ensureDatabase } from './mysql.js';
import { startServerlessOffline } from './offline.js';
import { assertPortFree, BadSetting, portFrom, portInUse } from './ports.js';
import { PROJECT_ROOT } from './project-root.js';
import { invokeUrls, localFunctionName } from './routes.js';

export { BadSetting, PortInUse } from './ports.js';

/**
 * The one way to start things locally: database and schema, the local Data API server,
 * serverless-offline running the same handler that runs on Lambda, and in front of it the stand-in
 * for API Gateway (SigV4 with the local credentials by default). `npm start`, the end-to-end tests
 * and the benchmark all call startLocalStack.
 */

export interface LocalStackOptions {
  /** The gateway stand-in's HTTP port (PORT, default 3000); 0 picks a free one. */
  port?: number;
  /** SigV4 authorization at the gateway (default true); AUTH=none turns it off. */
  auth?: boolean;
  /** serverless-offline's Lambda invoke port (LAMBDA_PORT, default 3002); 0 picks a free one. */
  lambdaPort?: number;
  /** The local Data API server's port (DATA_API_PORT, default 8080); 0 picks a free one. */
  dataApiPort?: number;
  /** The server to use; unset: the default address, else a private or downloaded one (infra/local/database/resolve-database.ts). */
  mysqlUrl?: string;
  dbName?: string;
  /** A throwaway database: dropped when the stack stops, before the database server stops. */
  dropDatabaseOnStop?: boolean;
  /** Start serverless-offline and the gateway too (default true); false gives the database and Data API only. */
  offline?: boolean;
  /** Where serverless-offline's and the Data API's output goes (default: discarded). */
  log?: (line: string) => void;
  /**
   * Whether the handler's stdout (a log line and a metrics line per request) reaches `log` (default:
   * when there is a log). Its errors go to stderr, which always does.
   */
  handlerStdout?: boolean;
  dataApi?: Partial<LocalDataApiOptions>;
}

export interface LocalStack {
  /** http://127.0.0.1:PORT — POST /identify here (the gateway stand-in). */
  url: string;
  /** Whether the gateway requires a SigV4 signature (for execute-api, with `principal`'s credentials). */
  auth: boolean;
  principal: LocalPrincipal;
  /** serverless-offline's Lambda invoke endpoint for the identify function. */
  invokeUrl: string;
  functionName: string;
  dataApi: LocalDataApi;
  dbName: string;
  mysqlUrl: string;
  /** Which database server this is and where its data lives, in words. */
  database: string;
  /** The environment under which a handler reaches this stack's Data API server. */
  handlerEnv: Record<string, string>;
  /** A Data API client pointed at this stack, as the handler builds one. */
  createClient(): RDSDataClient;
  stop(): Promise<void>;
}

export function localStackOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): LocalStackOptions {
  return {
    port: portFrom(env, 'PORT', 3000),
    lambdaPort: portFrom(env, 'LAMBDA_PORT', 3002),
    dataApiPort: portFrom(env, 'DATA_API_PORT', LOCAL_DEFAULTS.port),
    auth: authFrom(env),
    mysqlUrl: env.MYSQL_URL || undefined,
    dbName: env.DB_NAME || 'identify',
    dataApi: { preferSocket: socketFrom(env) },
  };
}

/** DATA_API_SOCKET=0 (or false, no, off) keeps the Data API server on TCP, as the package's own command reads it. */
function socketFrom(env: NodeJS.ProcessEnv): boolean {
  const raw = env.DATA_API_SOCKET;
  return raw ? !/^(0|false|no|off)$/i.test(raw) : LOCAL_DEFAULTS.preferSocket;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dbName = options.dbName ?? 'identify';
  const log = options.log ?? (() => {});
  const handlerStdout = options.handlerStdout ?? options.log !== undefined;
  await assertPortsFree(options);
  const database = await resolveDatabase(options.mysqlUrl, log);
  const mysqlUrl = database.mysqlUrl;
  await ensureDatabase(mysqlUrl, dbName).catch(async (error: unknown) => {
    await database.stop();
    throw error;
  });

  const dataApiPort = options.dataApiPort ?? LOCAL_DEFAULTS.port;
  const dataApi = await startLocalDataApi({
    port: dataApiPort,
    mysqlUrl,
    defaultDatabase: dbName,
    log: (line) => log(`[data-api] ${line}`),
    ...options.dataApi,
  })
    .catch((error: unknown) => {
      if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
      throw portInUse(dataApiPort, 'DATA_API_PORT');
    })
    .catch(async (error: unknown) => {
      await database.stop();
      throw error;
    });
  const handlerEnv: Record<string, string> = {
    AWS_ENDPOINT_URL_RDS_DATA: dataApi.url,
    AWS_REGION: LOCAL_DEFAULTS.region,
    AWS_DEFAULT_REGION: LOCAL_DEFAULTS.region,
    AWS_ACCESS_KEY_ID: LOCAL_DEFAULTS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_DEFAULTS.credentials.secretAccessKey,
    DB_CLUSTER_ARN: dataApi.resourceArn,
    DB_SECRET_ARN: dataApi.secretArn,
    DB_NAME: dbName,
  };
  const createClient = () => new RDSDataClient({ endpoint: dataApi.url, region: LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials });

  const stopAll: (() => Promise<void>)[] = [
    () => database.stop(),
    ...(options.dropDatabaseOnStop ? [() => dropDatabase(mysqlUrl, dbName)] : []),
    () => dataApi.close(),
  ];
  // Last started, first stopped; a second call (a signal, then a test's teardown) finds nothing left.
  const stop = async () => {
    while (stopAll.length > 0) await stopAll.pop()!().catch(() => {});
  };
  try {
    const migrationClient = createClient();
    try {
      await runMigrations(new DataApiExecutor(migrationClient, { resourceArn: dataApi.resourceArn, secretArn: dataApi.secretArn, database: dbName }));
    } finally {
      migrationClient.destroy();
    }

    const auth = options.auth ?? true;
    let front = { url: '', invokeUrl: '' };
    if (options.offline !== false) {
      front = await startFront({ ...options, auth, env: handlerEnv, log, handlerStdout }, stopAll);
    }
    const { url, invokeUrl } = front;
    return {
      url,
      auth,
      principal: LOCAL_PRINCIPAL,
      invokeUrl,
      functionName: localFunctionName('identify'),
      dataApi,
      dbName,
      mysqlUrl,
      database: database.description,
      handlerEnv,
      createClient,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * serverless-offline running the function behind its Lambda invoke endpoint, and in front of it the
 * gateway stand-in. Each started part's stop goes onto `stopAll`.
 */
async function startFront(
  options: { port?: number; lambdaPort?: number; auth: boolean; env: Record<string, string>; log: (line: string) => void; handlerStdout: boolean },
  stopAll: (() => Promise<void>)[],
): Promise<{ url: string; invokeUrl: string }> {
  const port = options.port ?? 3000;
  const offline = await startServerlessOffline({
    projectRoot: PROJECT_ROOT,
    lambdaPort: options.lambdaPort ?? 3002,
    env: options.env,
    log: options.log,
    stdout: options.handlerStdout,
  });
  stopAll.push(offline.stop);
  const urls = invokeUrls(offline.lambdaPort);
  const invokeUrl = urls.byPath['/identify']!;
  const principals = options.auth ? LOCAL_PRINCIPALS : null;
  const gateway = await startGateway({ port, invokeUrls: urls, principals, accountId: LOCAL_PRINCIPAL.accountId }).catch((error: unknown) => {
    throw (error as { code?: string }).code === 'EADDRINUSE' ? portInUse(port, 'PORT') : error;
  });
  stopAll.push(gateway.close);
  return { url: gateway.url, invokeUrl };
}

/** Before anything starts, in the order a user knows them: a second `npm start` is told about PORT, not a port behind it. */
async function assertPortsFree(options: LocalStackOptions): Promise<void> {
  if (options.offline !== false) {
    await assertPortFree(options.port ?? 3000, 'PORT');
    await assertPortFree(options.lambdaPort ?? 3002, 'LAMBDA_PORT');
  }
  await assertPortFree(options.dataApiPort ?? LOCAL_DEFAULTS.port, 'DATA_API_PORT');
}

function authFrom(env: NodeJS.ProcessEnv): boolean {
  const raw = env.AUTH;
  if (raw === undefined || raw === '' || raw === 'iam') return true;
  if (raw === 'none') return false;
  throw new BadSetting(`AUTH must be "none" (no signature check) or "iam" (the default), not "${raw}"`);
}
