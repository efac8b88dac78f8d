import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse, Context } from 'aws-lambda';
import { classifyTransient } from '../lib/runtime/retry.js';
import { DataApiExecutor, type DataApiTarget } from '../lib/store/data-api/executor.js';
import { loadMigrations, type Migration, type MigrationReport, runMigrations } from '../lib/store/migrations/index.js';
import type { SqlExecutor } from '../lib/store/sql-executor.js';

/**
 * The SchemaMigrations custom resource (infra/aws/migrations.yml): CloudFormation calls this function
 * on Create and Update with the cluster, its secret and the database in ResourceProperties; it applies
 * the pending lib/store/migrations/sql/*.sql through the Data API, each once, under the migration lock and with
 * the ledger the local stack uses too (docs/MIGRATIONS.md), and answers on the ResponseURL. Delete
 * does nothing: the data goes (or stays) with the cluster.
 *
 * It always answers, whatever happens: CloudFormation would otherwise wait for the resource's
 * ServiceTimeout. A writer resuming from 0 ACU (DatabaseResumingException, about 15 s) is waited out
 * while the invocation has time left.
 */

/** Beside the bundle as in the source tree: functions/migrate.(ts|mjs) -> lib/store/migrations/sql/. */
export const MIGRATIONS_PATH = fileURLToPath(new URL('../lib/store/migrations/sql/', import.meta.url));

/** Time kept back from the Lambda timeout to send the answer to CloudFormation. */
export const RESPONSE_MARGIN_MS = 10_000;

/** Errors that mean "the database is not ready yet": waited out, not reported. */
const NOT_READY = new Set(['DatabaseResumingException', 'DatabaseUnavailableException', 'DatabaseNotFoundException', 'HttpEndpointNotEnabledException']);

export function worthWaiting(error: unknown): boolean {
  if (classifyTransient(error) !== undefined) return true;
  return error instanceof Error && NOT_READY.has(error.name);
}

export interface WaitOptions {
  /** Milliseconds left before the answer must go out; no wait starts that would end after it. */
  timeLeftMs: () => number;
  sleep?: (ms: number) => Promise<void>;
  onWait?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Another run (another instance of this function, a local start) holds the migration lock. */
  onLockWait?: (attempt: number, delayMs: number) => void;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Runs the pending migrations, starting over after each wait: the ledger says what is already done,
 * and another run holding the lock is waited for within the same time.
 */
export async function migrateWhenReady(db: SqlExecutor, migrations: Migration[], options: WaitOptions): Promise<MigrationReport> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const first = options.firstDelayMs ?? 1_000;
  const max = options.maxDelayMs ?? 10_000;
  for (let attempt = 1; ; attempt++) {
    try {
      // Waits for the lock sleep for real: they wait for another run, not for time to pass in a test.
      return await runMigrations(db, migrations, { timeLeftMs: options.timeLeftMs, onWait: options.onLockWait });
    } catch (error) {
      const delay = Math.min(max, first * 2 ** (attempt - 1));
      if (!worthWaiting(error) || options.timeLeftMs() <= delay) throw error;
      options.onWait?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}

export type MigrationTarget = DataApiTarget;

export interface MigrateDependencies {
  /** The executor for a target, built per invocation from the resource's properties. */
  connect: (target: MigrationTarget) => SqlExecutor;
  migrations?: () => Migration[];
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  respond?: (responseUrl: string, body: CloudFormationCustomResourceResponse) => Promise<void>;
}

type MigrateContext = Pick<Context, 'getRemainingTimeInMillis' | 'logStreamName'>;

export function buildHandler(deps: MigrateDependencies) {
  const logger = deps.logger ?? new Logger({ serviceName: 'identify-migrate' });
  const respond = deps.respond ?? sendResponse;
  const migrations = deps.migrations ?? (() => loadMigrations(MIGRATIONS_PATH));

  return async (event: CloudFormationCustomResourceEvent, context: MigrateContext): Promise<CloudFormationCustomResourceResponse> => {
    const deadline = Date.now() + context.getRemainingTimeInMillis() - RESPONSE_MARGIN_MS;
    const timeLeftMs = () => deadline - Date.now();
    const physicalResourceId = event.RequestType === 'Create' ? `${stackName(event.StackId)}-${event.LogicalResourceId}` : event.PhysicalResourceId;
    logger.info('custom resource request', { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, requestId: event.RequestId });

    let response: CloudFormationCustomResourceResponse;
    try {
      let data: Record<string, string> | undefined;
      if (event.RequestType !== 'Delete') {
        const target = targetOf(event.ResourceProperties);
        const work = migrateWhenReady(deps.connect(target), migrations(), {
          timeLeftMs,
          sleep: deps.sleep,
          onWait: (error, attempt, delayMs) => logger.warn('database not ready; waiting', { error: (error as Error).name, attempt, delayMs }),
          onLockWait: (attempt, delayMs) => logger.info('another migration run holds the lock; waiting', { attempt, delayMs }),
        });
        const report = await withDeadline(work, timeLeftMs(), 'the migrations did not finish before the function timeout');
        logger.info('migrations applied', { database: target.database, applied: report.applied, current: report.current });
        if (report.unknown.length > 0) logger.warn('the database has migrations this code does not know', { unknown: report.unknown });
        data = { Database: target.database, Migrations: report.current.join(',') };
      }
      response = { Status: 'SUCCESS', PhysicalResourceId: physicalResourceId, ...ids(event), ...(data && { Data: data }) };
    } catch (error) {
      logger.error('migrations failed', error as Error);
      const reason = `${(error as Error).name ?? 'Error'}: ${(error as Error).message ?? String(error)}`;
      response = {
        Status: 'FAILED',
        Reason: `${truncate(reason, 1_000)} (log stream ${context.logStreamName})`,
        PhysicalResourceId: physicalResourceId,
        ...ids(event),
      };
    }
    await respond(event.ResponseURL, response);
    return response;
  };
}

function ids(event: CloudFormationCustomResourceEvent) {
  return { StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId };
}

function targetOf(properties: Record<string, unknown>): MigrationTarget {
  const read = (name: string): string => {
    const value = properties[name];
    if (typeof value !== 'string' || value.trim() === '') throw new Error(`the custom resource property ${name} is missing`);
    return value;
  };
  return { resourceArn: read('ClusterArn'), secretArn: read('SecretArn'), database: read('Database') };
}

function stackName(stackId: string): string {
  // arn:aws:cloudformation:region:account:stack/NAME/uuid
  return stackId.split('/')[1] ?? 'stack';
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), Math.max(0, ms));
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * PUTs the answer to CloudFormation's pre-signed S3 URL, as cfn-response does: an empty content type
 * (the URL's signature covers it) and an explicit length. Retried twice; a failure is thrown.
 */
export async function sendResponse(responseUrl: string, body: CloudFormationCustomResourceResponse): Promise<void> {
  const payload = JSON.stringify(body);
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      await put(responseUrl, payload);
      return;
    } catch (error) {
      lastError = error;
      if (attempt < 3) await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
  throw lastError;
}

function put(responseUrl: string, payload: string): Promise<void> {
  const url = new URL(responseUrl);
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(payload) }, timeout: 8_000 }, (res) => {
      res.resume();
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new Error(`CloudFormation's response URL answered ${status}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error("CloudFormation's response URL did not answer in time")));
    req.on('error', reject);
    req.end(payload);
  });
}

/** One Data API client per container, as for the identify function. */
let client: RDSDataClient | undefined;

export const handler = buildHandler({
  connect: (target) => {
    client ??= new RDSDataClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 2_000, requestTimeout: 20_000 } });
    return new DataApiExecutor(client, target);
  },
});
