import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import mysql, { type FieldPacket, type Pool, type PoolConnection, type ResultSetHeader } from 'mysql2/promise';
import {
  DataApiError,
  databaseError,
  dataApiError,
  multiStatements,
  responseTooLarge,
  schemaNotSupported,
  toDataApiError,
} from './errors.js';
import { isDdl, JsonColumns } from './json-columns.js';
import {
  columnMetadata,
  fieldReader,
  fieldToJson,
  stringifyExact,
  type Field,
  type ResultSetOptions,
} from './mysql-fields.js';
import { bindParameters, parameterMap } from './params.js';
import { verifySignature, type LocalCredentials } from './sigv4.js';
import { TransactionStore, type Transaction } from './transactions.js';
import {
  headerBytes,
  optionalString,
  parseJson,
  readBody,
  readFormat,
  readResultSetOptions,
  send,
  sendText,
  statementText,
  type Json,
} from './wire.js';

/**
 * A local server that speaks the RDS Data API wire protocol (restJson1, SigV4) in front of a real
 * MySQL/MariaDB, through mysql2. The SDK cannot tell it from AWS; only the endpoint differs.
 * What it does and where it differs from AWS on purpose: docs/LOCAL-DATA-API.md.
 */

export const LOCAL_DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  mysqlUrl: 'mysql://root@127.0.0.1:3306',
  resourceArn: 'arn:aws:rds:us-east-1:123456789012:cluster:identify-local',
  secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:identify-local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  region: 'us-east-1',
  /** The database of the local stack (DB_NAME); `npm run data-api` uses it when none is given. */
  database: 'identify',
};

/** Aurora MySQL 3's (MySQL 8.0's) default sql_mode; MariaDB's default is laxer. */
export const AURORA_SQL_MODE =
  'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

export interface LocalDataApiOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  mysqlUrl?: string;
  /** Database used when a request names none. */
  defaultDatabase?: string;
  resourceArn?: string;
  secretArn?: string;
  credentials?: LocalCredentials;
  /** The region clients are told to use (requests signed for any region are accepted). */
  region?: string;
  /** Check SigV4 signatures (default true). */
  verifySignatures?: boolean;
  /** How far a request's X-Amz-Date may be from the server's clock (AWS: 5 minutes). */
  maxClockSkewMs?: number;
  /** A transaction with no call for this long is rolled back (AWS: 3 minutes). */
  transactionIdleMs?: number;
  /** A transaction older than this is rolled back (AWS: 24 hours). */
  transactionMaxLifetimeMs?: number;
  /** A statement running longer is cancelled and answers StatementTimeoutException (default 45 s; 0: none). */
  statementTimeoutMs?: number;
  /** MySQL connections per database. */
  poolSize?: number;
  /** Largest request, headers and JSON body (AWS: 4 MiB). */
  maxRequestBytes?: number;
  /** Largest response body (AWS: 1 MiB of records). */
  maxResponseBytes?: number;
  /** Largest formattedRecords, for formatRecordsAs JSON (AWS: 10 MB). */
  maxFormattedRecordsBytes?: number;
  /** sql_mode of every session (default: Aurora MySQL 3's); null leaves the server's own. */
  sqlMode?: string | null;
  /** One line per call; default none. */
  log?: (line: string) => void;
}

export interface CallStats {
  /** Data API calls by operation. */
  calls: Record<string, number>;
  /** SQL statements sent to MySQL (transaction control included). */
  statements: number;
  errors: Record<string, number>;
}

/** Switches that make the server answer as AWS does in bad times, for fault tests. */
export interface Faults {
  /** Until this time (ms since epoch) every call answers DatabaseResumingException. */
  resumingUntil: number;
  /** While true every call answers as AWS does when the writer is gone. */
  unreachable: boolean;
}

export interface LocalDataApi {
  url: string;
  port: number;
  resourceArn: string;
  secretArn: string;
  region: string;
  credentials: LocalCredentials;
  faults: Faults;
  stats(): CallStats;
  resetStats(): void;
  openTransactions(): number;
  /** The MySQL/MariaDB server behind it, e.g. "10.11.6-MariaDB". */
  serverVersion(): Promise<string>;
  close(): Promise<void>;
}

type QueryResult = [unknown, FieldPacket[] | FieldPacket[][] | undefined];

const OPERATIONS = ['Execute', 'BatchExecute', 'BeginTransaction', 'CommitTransaction', 'RollbackTransaction', 'ExecuteSql'] as const;
type Operation = (typeof OPERATIONS)[number];

/** The SDK's names of the operations, for the log. */
const OPERATION_NAMES: Record<Operation, string> = {
  Execute: 'ExecuteStatement',
  BatchExecute: 'BatchExecuteStatement',
  BeginTransaction: 'BeginTransaction',
  CommitTransaction: 'CommitTransaction',
  RollbackTransaction: 'RollbackTransaction',
  ExecuteSql: 'ExecuteSql',
};

/** Per call: what the connection is still doing after the call has answered (a statement past its timeout). */
interface CallContext {
  pending?: Promise<unknown>;
  continueAfterTimeout: boolean;
}

export async function startLocalDataApi(options: LocalDataApiOptions = {}): Promise<LocalDataApi> {
  const config = {
    ...LOCAL_DEFAULTS,
    verifySignatures: true,
    maxClockSkewMs: 5 * 60_000,
    transactionIdleMs: 180_000,
    transactionMaxLifetimeMs: 86_400_000,
    statementTimeoutMs: 45_000,
    poolSize: 64,
    maxRequestBytes: 4 * 1024 * 1024,
    maxResponseBytes: 1024 * 1024,
    maxFormattedRecordsBytes: 10 * 1024 * 1024,
    sqlMode: AURORA_SQL_MODE as string | null,
    ...definedOnly(options),
  };
  const log = options.log ?? (() => {});
  const pools = new Map<string, Pool>();
  let adminPool: Pool | undefined;
  let version: Promise<string> | undefined;
  const jsonColumns = new JsonColumns(() => admin());
  const transactions = new TransactionStore(
    { idleMs: config.transactionIdleMs, maxLifetimeMs: config.transactionMaxLifetimeMs },
    { log, end: endTransactionConnection },
  );
  const faults: Faults = { resumingUntil: 0, unreachable: false };
  /** Connections whose session a statement changed (USE, SET): never handed to another call. */
  const changedSessions = new WeakSet<PoolConnection>();
  let stats: CallStats = { calls: {}, statements: 0, errors: {} };

  function poolOptions(database: string | undefined, connectionLimit: number): mysql.PoolOptions {
    return {
      uri: config.mysqlUrl,
      database: database || undefined,
      connectionLimit,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      jsonStrings: true,
      timezone: 'Z',
      connectTimeout: 5_000,
    } as mysql.PoolOptions;
  }

  function pool(database: string | undefined): Pool {
    const name = database ?? options.defaultDatabase ?? '';
    let existing = pools.get(name);
    if (!existing) {
      existing = mysql.createPool(poolOptions(name, config.poolSize));
      // Every session as on Aurora MySQL: UTC (the Data API answers TIMESTAMPs in UTC), and its sql_mode.
      const setup = `SET time_zone = '+00:00'${config.sqlMode === null ? '' : `, sql_mode = ${mysql.escape(config.sqlMode)}`}`;
      existing.pool.on('connection', (connection) => void connection.query(setup, () => {}));
      pools.set(name, existing);
    }
    return existing;
  }

  /** A small pool of its own, for KILL QUERY and schema look-ups, so they never wait behind busy connections. */
  function admin(): Pool {
    adminPool ??= mysql.createPool(poolOptions(undefined, 2));
    return adminPool;
  }

  function serverVersion(): Promise<string> {
    version ??= admin()
      .query('SELECT VERSION() AS v')
      .then(([rows]) => String((rows as { v: string }[])[0]?.v ?? ''));
    version.catch(() => {
      version = undefined;
    });
    return version;
  }

  async function getConnection(database: string | undefined): Promise<PoolConnection> {
    return pool(database).getConnection();
  }

  function giveBack(connection: PoolConnection): void {
    if (changedSessions.has(connection)) connection.destroy();
    else connection.release();
  }

  async function endTransactionConnection(connection: PoolConnection, statement: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    stats.statements++;
    try {
      await connection.query(statement);
      giveBack(connection);
    } catch (error) {
      connection.destroy();
      throw error;
    }
  }

  /** Gives a connection back once what it still runs has ended; rolls back first when asked. */
  function releaseConnection(connection: PoolConnection, context: CallContext, rollback: boolean): void {
    const settle = context.pending ?? Promise.resolve();
    void settle
      .then(async () => {
        if (rollback) {
          stats.statements++;
          await connection.query('ROLLBACK');
        }
        giveBack(connection);
      })
      .catch(() => connection.destroy());
  }

  /** One statement on `connection`, cancelled (KILL QUERY) past the statement timeout unless continueAfterTimeout. */
  function runStatement(connection: PoolConnection, sql: string, context: CallContext): Promise<QueryResult> {
    stats.statements++;
    const ddl = isDdl(sql);
    if (ddl) jsonColumns.invalidate();
    if (changesSession(sql)) changedSessions.add(connection);
    const query = connection.query({ sql, rowsAsArray: true }) as Promise<QueryResult>;
    if (ddl) void query.finally(() => jsonColumns.invalidate()).catch(() => {});
    const timeoutMs = config.statementTimeoutMs;
    if (!timeoutMs) return query;
    return new Promise<QueryResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        const threadId = connection.threadId;
        context.pending = query.catch(() => {});
        if (!context.continueAfterTimeout) {
          void admin()
            .query(`KILL QUERY ${Number(threadId)}`)
            .catch(() => connection.destroy());
        }
        reject(
          dataApiError('StatementTimeoutException', `The statement timed out after ${timeoutMs / 1000} seconds.`, {
            dbConnectionId: threadId,
          }),
        );
      }, timeoutMs);
      query.then(
        (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  function checkTarget(body: Json): void {
    if (typeof body.resourceArn !== 'string' || body.resourceArn === '') {
      throw dataApiError('BadRequestException', 'resourceArn is required');
    }
    if (body.resourceArn !== config.resourceArn) {
      const cluster = /:cluster:(.+)$/.exec(body.resourceArn)?.[1] ?? body.resourceArn;
      throw dataApiError('BadRequestException', `HttpEndpoint isn't enabled for cluster ${cluster}`);
    }
    if (typeof body.secretArn !== 'string' || body.secretArn === '') {
      throw dataApiError('BadRequestException', 'secretArn is required');
    }
    if (body.secretArn !== config.secretArn) {
      throw dataApiError('BadRequestException', `Error fetching secret ${body.secretArn}: Secrets Manager can't find the specified secret.`);
    }
  }

  function checkFaults(): void {
    if (faults.unreachable) throw dataApiError('DatabaseUnavailableException', 'The database is unavailable. Try again later.');
    if (Date.now() < faults.resumingUntil) {
      throw dataApiError(
        'DatabaseResumingException',
        `The Aurora DB instance ${config.resourceArn} is resuming after being auto-paused. Please wait a few seconds and try again.`,
      );
    }
  }

  /**
   * Runs `work` on the transaction's pinned connection, or on a connection of its own. A failure
   * inside a transaction aborts it (rolled back; its id answers TransactionNotFoundException).
   */
  async function onConnection<T>(
    body: Json,
    work: (connection: PoolConnection, context: CallContext, inTransaction: boolean) => Promise<T>,
  ): Promise<T> {
    const context: CallContext = { continueAfterTimeout: body.continueAfterTimeout === true };
    const transactionId = optionalString(body, 'transactionId');
    if (!transactionId) {
      const connection = await getConnection(optionalString(body, 'database'));
      let failed = false;
      try {
        return await work(connection, context, false);
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        releaseConnection(connection, context, failed);
      }
    }
    const tx: Transaction = transactions.claim(transactionId);
    try {
      const result = await work(tx.connection, context, true);
      transactions.release(tx);
      return result;
    } catch (error) {
      const aborted = transactions.abort(tx, (error as Error).message, context.pending);
      // Wait for the rollback unless a statement past its timeout is still running.
      if (!context.pending) await aborted;
      throw error;
    }
  }

  async function execute(body: Json): Promise<string> {
    checkTarget(body);
    const sql = bindParameters(statementText(body), parameterMap(body.parameters));
    const resultSetOptions = readResultSetOptions(body.resultSetOptions);
    const asJson = readFormat(body.formatRecordsAs) === 'JSON';
    const withMetadata = body.includeResultMetadata === true;
    return onConnection(body, async (connection, context) => {
      const [result, fieldSets] = await runStatement(connection, sql, context);
      const [rows, fields] = firstResultSet(result, fieldSets);
      let out: Json;
      if (!rows || !fields) {
        const header = (Array.isArray(result) ? result.find((r) => !Array.isArray(r)) : result) as ResultSetHeader | undefined;
        const insertId = Number(header?.insertId ?? 0);
        out = { generatedFields: insertId ? [{ longValue: insertId }] : [], numberOfRecordsUpdated: header?.affectedRows ?? 0 };
      } else {
        const json = await jsonColumns.find(fields, async () => (await serverVersion()).includes('MariaDB'));
        const readers = fields.map((field, i) => fieldReader(field, resultSetOptions, { json: json.has(i) }));
        const records: Field[][] = rows.map((row) => row.map((value, i) => readers[i]!(value)));
        if (asJson) {
          const labels = fields.map((field) => field.name);
          if (new Set(labels).size !== labels.length) {
            throw dataApiError(
              'BadRequestException',
              'The result set contains duplicate column names; give each column a distinct alias to use formatRecordsAs JSON.',
            );
          }
          const objects = records.map((record) => Object.fromEntries(record.map((field, i) => [labels[i], fieldToJson(field)])));
          const formattedRecords = stringifyExact(objects);
          if (Buffer.byteLength(formattedRecords) > config.maxFormattedRecordsBytes) throw responseTooLarge();
          // The 1 MiB limit is for records; formattedRecords has its own (10 MB).
          return stringifyExact({ formattedRecords, numberOfRecordsUpdated: 0 });
        } else {
          out = { records, numberOfRecordsUpdated: 0 };
          if (withMetadata) out.columnMetadata = fields.map((field, i) => columnMetadata(field, { json: json.has(i) }));
        }
      }
      const text = stringifyExact(out);
      if (Buffer.byteLength(text) > config.maxResponseBytes) throw responseTooLarge();
      return text;
    });
  }

  async function batchExecute(body: Json): Promise<string> {
    checkTarget(body);
    const sql = statementText(body);
    if (body.parameterSets !== undefined && body.parameterSets !== null && !Array.isArray(body.parameterSets)) {
      throw dataApiError('BadRequestException', 'parameterSets must be a list of lists of SqlParameter');
    }
    const sets = (body.parameterSets ?? []) as unknown[];
    // As on AWS: a batch without parameter sets runs nothing.
    if (sets.length === 0) return JSON.stringify({ updateResults: [] });
    const statements = sets.map((set) => bindParameters(sql, parameterMap(set)));
    return onConnection(body, async (connection, context, inTransaction) => {
      // Outside a transaction the whole batch commits, or none of it.
      if (!inTransaction) {
        stats.statements++;
        await connection.query('START TRANSACTION');
      }
      const updateResults: Json[] = [];
      for (const statement of statements) {
        const [result] = await runStatement(connection, statement, context);
        const insertId = Array.isArray(result) ? 0 : Number((result as ResultSetHeader).insertId ?? 0);
        updateResults.push({ generatedFields: insertId ? [{ longValue: insertId }] : [] });
      }
      if (!inTransaction) {
        stats.statements++;
        await connection.query('COMMIT');
      }
      const text = JSON.stringify({ updateResults });
      if (Buffer.byteLength(text) > config.maxResponseBytes) throw responseTooLarge();
      return text;
    });
  }

  async function beginTransaction(body: Json): Promise<string> {
    checkTarget(body);
    if (body.schema !== undefined && body.schema !== null) throw schemaNotSupported();
    const connection = await getConnection(optionalString(body, 'database'));
    try {
      stats.statements++;
      await connection.query('START TRANSACTION');
    } catch (error) {
      connection.destroy();
      throw error;
    }
    return JSON.stringify({ transactionId: transactions.add(connection).id });
  }

  async function endTransaction(body: Json, statement: 'COMMIT' | 'ROLLBACK'): Promise<string> {
    checkTarget(body);
    const transactionId = optionalString(body, 'transactionId');
    if (!transactionId) throw dataApiError('BadRequestException', 'transactionId is required');
    if (statement === 'ROLLBACK' && transactions.rollbackAborted(transactionId)) {
      return JSON.stringify({ transactionStatus: 'Rollback Complete' });
    }
    const tx = transactions.claim(transactionId);
    await transactions.finish(tx, statement);
    return JSON.stringify({ transactionStatus: statement === 'COMMIT' ? 'Transaction Committed' : 'Rollback Complete' });
  }

  async function dispatch(operation: Operation, body: Json): Promise<string> {
    switch (operation) {
      case 'Execute':
        return execute(body);
      case 'BatchExecute':
        return batchExecute(body);
      case 'BeginTransaction':
        return beginTransaction(body);
      case 'CommitTransaction':
        return endTransaction(body, 'COMMIT');
      case 'RollbackTransaction':
        return endTransaction(body, 'ROLLBACK');
      case 'ExecuteSql':
        // Not supported on Aurora Serverless v2 and provisioned clusters (API reference, ExecuteSql).
        throw dataApiError('BadRequestException', 'This API is deprecated and not available. Use ExecuteStatement API instead');
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && path === '/_local/stats') {
      return send(res, 200, { ...stats, openTransactions: transactions.size });
    }
    if (path === '/_local/faults') return controlFaults(req, res);
    const operation = OPERATIONS.find((name) => `/${name}` === path);
    let status = 200;
    let errorName: string | undefined;
    try {
      if (req.method !== 'POST' || !operation) {
        throw dataApiError('UnknownOperationException', `Unknown operation ${req.method} ${path}`);
      }
      const raw = await readBody(req, config.maxRequestBytes - headerBytes(req), config.maxRequestBytes);
      if (config.verifySignatures) {
        await verifySignature({ method: req.method, path: req.url ?? path, headers: req.headers, body: raw }, config.credentials, {
          maxClockSkewMs: config.maxClockSkewMs,
        });
      }
      stats.calls[operation] = (stats.calls[operation] ?? 0) + 1;
      const body = parseJson(raw);
      checkFaults();
      const text = await dispatch(operation, body);
      sendText(res, 200, text);
    } catch (error) {
      const failure = toDataApiError(error);
      if (failure.name === 'InternalServerErrorException') log(`internal error: ${(error as Error)?.stack ?? String(error)}`);
      status = failure.status;
      errorName = failure.name;
      stats.errors[failure.name] = (stats.errors[failure.name] ?? 0) + 1;
      res.setHeader('x-amzn-ErrorType', failure.name);
      send(res, failure.status, failure.body());
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log(`${operation ? OPERATION_NAMES[operation] : `${req.method} ${path}`} ${status}${errorName ? ` ${errorName}` : ''} ${ms.toFixed(1)} ms`);
    }
  }

  /** Local only, for fault tests: GET shows the switches; POST {"resumingForMs": n, "unreachable": bool} sets them. */
  async function controlFaults(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method === 'POST') {
        const body = parseJson(await readBody(req, 4_096));
        if (typeof body.resumingForMs === 'number') faults.resumingUntil = Date.now() + body.resumingForMs;
        if (typeof body.unreachable === 'boolean') faults.unreachable = body.unreachable;
      }
      send(res, 200, { resumingForMs: Math.max(0, faults.resumingUntil - Date.now()), unreachable: faults.unreachable });
    } catch (error) {
      const failure = toDataApiError(error);
      res.setHeader('x-amzn-ErrorType', failure.name);
      send(res, failure.status, failure.body());
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    resourceArn: config.resourceArn,
    secretArn: config.secretArn,
    region: config.region,
    credentials: config.credentials,
    faults,
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = { calls: {}, statements: 0, errors: {} };
    },
    openTransactions: () => transactions.size,
    serverVersion,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await transactions.closeAll();
      await Promise.all([...pools.values(), ...(adminPool ? [adminPool] : [])].map((p) => p.end().catch(() => {})));
    },
  };
}

/** USE and SET change the session for the calls after: such a connection is not reused by another call. */
function changesSession(sql: string): boolean {
  const text = sql.replace(/^(\s+|--[^\n]*\n?|#[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '');
  return /^(USE|SET)\b/i.test(text);
}

/** The first result set of a statement (a CALL can answer several), or none for DML and DDL. */
function firstResultSet(result: unknown, fieldSets: FieldPacket[] | FieldPacket[][] | undefined): [unknown[][] | undefined, FieldPacket[] | undefined] {
  if (!Array.isArray(result) || !fieldSets) return [undefined, undefined];
  if (Array.isArray(fieldSets[0])) {
    const index = (fieldSets as FieldPacket[][]).findIndex((set) => Array.isArray(set));
    return index === -1 ? [undefined, undefined] : [result[index] as unknown[][], (fieldSets as FieldPacket[][])[index]];
  }
  return [result as unknown[][], fieldSets as FieldPacket[]];
}


function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
