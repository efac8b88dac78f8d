import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { DataApiExecutor } from '../lib/data-api/executor.js';
import { runMigrations } from '../db/migrations/index.js';
import { LOCAL_DEFAULTS, startLocalDataApi, type LocalDataApi, type LocalDataApiOptions } from 'local-data-api';
import { dropDatabase, ensureDatabase } from './mysql.js';
import { resolveDatabase } from './database/resolve-database.js';

/**
 * The one way to start things locally: database and schema, the local Data API server, and
 * serverless-offline with the same handler that runs on Lambda. `npm start`, the end-to-end tests
 * and the benchmark all call startLocalStack.
 */

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface LocalStackOptions {
  /** serverless-offline's HTTP port (PORT, default 3000); 0 picks a free one. */
  port?: number;
  /** serverless-offline's Lambda invoke port (LAMBDA_PORT, default 3002); 0 picks a free one. */
  lambdaPort?: number;
  /** The local Data API server's port (DATA_API_PORT, default 8080); 0 picks a free one. */
  dataApiPort?: number;
  /** The server to use; unset: the default address, else a private or downloaded one (dev/database/resolve-database.ts). */
  mysqlUrl?: string;
  dbName?: string;
  /** A throwaway database: dropped when the stack stops, before the database server stops. */
  dropDatabaseOnStop?: boolean;
  /** Start serverless-offline too (default true); false gives the database and Data API only. */
  offline?: boolean;
  /** Where serverless-offline's and the Data API's output goes (default: discarded). */
  log?: (line: string) => void;
  dataApi?: Partial<LocalDataApiOptions>;
}

export interface LocalStack {
  /** http://127.0.0.1:PORT — POST /identify here. */
  url: string;
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
    mysqlUrl: env.MYSQL_URL || undefined,
    dbName: env.DB_NAME || 'identify',
  };
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dbName = options.dbName ?? 'identify';
  const log = options.log ?? (() => {});
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
  }).catch((error: unknown) => {
    if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
    throw new PortInUse(`Port ${dataApiPort} is already in use (is another \`npm start\` running?): stop it or set DATA_API_PORT to a free port`);
  }).catch(async (error: unknown) => {
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
    // Lambda runs Node 22; locally Node 20 is fine, so the SDK's notice about it is noise here.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const createClient = () =>
    new RDSDataClient({ endpoint: dataApi.url, region: LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials });

  const stopAll: (() => Promise<void>)[] = [
    () => database.stop(),
    ...(options.dropDatabaseOnStop ? [() => dropDatabase(mysqlUrl, dbName)] : []),
    () => dataApi.close(),
  ];
  const stop = async () => {
    for (const step of stopAll.reverse()) await step().catch(() => {});
  };
  try {
    const migrationClient = createClient();
    await runMigrations(new DataApiExecutor(migrationClient, { resourceArn: dataApi.resourceArn, secretArn: dataApi.secretArn, database: dbName }));
    migrationClient.destroy();

    let url = '';
    let invokeUrl = '';
    const functionName = 'identify-local-identify';
    if (options.offline !== false) {
      const port = options.port ?? 3000;
      const lambdaPort = options.lambdaPort ?? 3002;
      const offline = await startServerlessOffline({ port, lambdaPort, env: handlerEnv, log });
      stopAll.push(offline.stop);
      url = `http://127.0.0.1:${offline.port}`;
      invokeUrl = `http://127.0.0.1:${offline.lambdaPort}/2015-03-31/functions/${functionName}/invocations`;
    }
    return { url, invokeUrl, functionName, dataApi, dbName, mysqlUrl, database: database.description, handlerEnv, createClient, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startServerlessOffline(options: {
  port: number;
  lambdaPort: number;
  env: Record<string, string>;
  log: (line: string) => void;
}): Promise<{ port: number; lambdaPort: number; stop: () => Promise<void> }> {
  const port = options.port || (await freePort());
  const lambdaPort = options.lambdaPort || (await freePort());
  await assertPortFree(port, 'PORT');
  await assertPortFree(lambdaPort, 'LAMBDA_PORT');
  const require = createRequire(import.meta.url);
  const cli = require.resolve('serverless/bin/serverless.js');
  const child = spawn(process.execPath, [cli, 'offline', 'start', '--stage', 'local'], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      ...options.env,
      PORT: String(port),
      LAMBDA_PORT: String(lambdaPort),
      // No network here: keep the framework from phoning home or asking questions.
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      SLS_INTERACTIVE_SETUP_DISABLE: '1',
      SLS_DEPRECATION_DISABLE: '*',
      SERVERLESS_PLATFORM_STAGE: '',
      CI: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const onOutput = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      output.push(line);
      if (output.length > 200) output.shift();
      options.log(line);
    }
  };
  child.stdout!.on('data', onOutput);
  child.stderr!.on('data', onOutput);

  const stop = () => stopChild(child);
  try {
    await waitForPorts(child, [port, lambdaPort], 60_000);
  } catch (error) {
    await stop();
    throw new Error(`serverless-offline did not start: ${(error as Error).message}\n${output.slice(-30).join('\n')}`);
  }
  return { port, lambdaPort, stop };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

async function waitForPorts(child: ChildProcess, ports: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    while (!(await canConnect(port))) {
      if (child.exitCode !== null) throw new Error(`it exited with code ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolveConnect) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolveConnect(true);
    });
    socket.once('error', () => resolveConnect(false));
  });
}

async function assertPortFree(port: number, variable: string): Promise<void> {
  if (await canConnect(port)) {
    throw new PortInUse(`Port ${port} is already in use (is another \`npm start\` running?): stop it or set ${variable} to a free port`);
  }
}

export class PortInUse extends Error {
  override name = 'PortInUse';
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function portFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`${name} must be a port number, not "${raw}"`);
  return port;
}
