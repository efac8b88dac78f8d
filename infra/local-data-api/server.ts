import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import mysql, { type FieldPacket, type Pool, type PoolConnection, type ResultSetHeader } from 'mysql2/promise';
import { DataApiError, databaseError, dataApiError } from './errors.js';
import { columnMetadata, fieldReader, fieldToJson, type Field, type ResultSetOptions } from './mysql-fields.js';
import { verifySignature, type LocalCredentials } from './sigv4.js';
import { isMultiStatement } from './sql-text.js';
import { TransactionStore, type Transaction } from './transactions.js';

/**
 * A local server that speaks the RDS Data API wire protocol (restJson1, SigV4) in front of a real
 * MySQL/MariaDB, through mysql2. The SDK cannot tell it from AWS; only the endpoint differs.
 */

export const LOCAL_DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  mysqlUrl: 'mysql://root@127.0.0.1:3306',
  resourceArn: 'arn:aws:rds:us-east-1:123456789012:cluster:identify-local',
  secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:identify-local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  region: 'us-east-1',
};

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
  /** Check SigV4 signatures (default true). */
  verifySignatures?: boolean;
  transactionIdleMs?: number;
  transactionMaxLifetimeMs?: number;
  statementTimeoutMs?: number;
  /** MySQL connections per database. */
  poolSize?: number;
  maxRequestBytes?: number;
  maxResponseBytes?: number;
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
  faults: Faults;
  stats(): CallStats;
  resetStats(): void;
  openTransactions(): number;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
type SqlParameter = { name?: string; value?: Record<string, unknown>; typeHint?: string };

const OPERATIONS = ['Execute', 'BatchExecute', 'BeginTransaction', 'CommitTransaction', 'RollbackTransaction', 'ExecuteSql'] as const;
type Operation = (typeof OPERATIONS)[number];

export async function startLocalDataApi(options: LocalDataApiOptions = {}): Promise<LocalDataApi> {
  const config = {
    ...LOCAL_DEFAULTS,
    verifySignatures: true,
    transactionIdleMs: 180_000,
    transactionMaxLifetimeMs: 86_400_000,
    statementTimeoutMs: 45_000,
    poolSize: 64,
    maxRequestBytes: 4 * 1024 * 1024,
    maxResponseBytes: 1024 * 1024,
    ...definedOnly(options),
  };
  const log = options.log ?? (() => {});
  const pools = new Map<string, Pool>();
  const transactions = new TransactionStore(
    { idleMs: config.transactionIdleMs, maxLifetimeMs: config.transactionMaxLifetimeMs },
    log,
  );
  const faults: Faults = { resumingUntil: 0, unreachable: false };
  let stats: CallStats = { calls: {}, statements: 0, errors: {} };

  function pool(database: string | undefined): Pool {
    const name = database ?? options.defaultDatabase ?? '';
    let existing = pools.get(name);
    if (!existing) {
      existing = mysql.createPool({
        uri: config.mysqlUrl,
        database: name || undefined,
        connectionLimit: config.poolSize,
        namedPlaceholders: true,
        dateStrings: true,
        supportBigNumbers: true,
        jsonStrings: true,
        timezone: 'Z',
        connectTimeout: 5_000,
      } as mysql.PoolOptions);
      // The Data API answers TIMESTAMPs in UTC.
      existing.on('connection', (connection) => void connection.query("SET time_zone = '+00:00'"));
      pools.set(name, existing);
    }
    return existing;
  }

  async function runStatement(
    connection: Pool | PoolConnection,
    sql: string,
    values: Record<string, unknown>,
  ): Promise<[unknown, FieldPacket[] | undefined]> {
    stats.statements++;
    const query = { sql, values: values as mysql.QueryValues, rowsAsArray: true, timeout: config.statementTimeoutMs };
    try {
      return (await connection.execute(query)) as [unknown, FieldPacket[] | undefined];
    } catch (error) {
      // A few statements cannot be prepared (ER_UNSUPPORTED_PS); the text protocol runs them.
      if ((error as { errno?: number }).errno !== 1295) throw error;
      return (await connection.query(query)) as [unknown, FieldPacket[] | undefined];
    }
  }

  function checkTarget(body: Json): void {
    if (body.resourceArn !== config.resourceArn) {
      throw dataApiError('BadRequestException', `Invalid resource ARN: expected the local cluster ${config.resourceArn}`);
    }
    if (body.secretArn !== config.secretArn) {
      throw dataApiError('BadRequestException', `Invalid secret ARN: expected the local secret ${config.secretArn}`);
    }
  }

  function checkFaults(): void {
    if (faults.unreachable) throw dataApiError('DatabaseUnavailableException', 'The database is unavailable. Try again later.');
    if (Date.now() < faults.resumingUntil) {
      throw dataApiError('DatabaseResumingException', `The Aurora DB instance ${config.resourceArn} is resuming after being auto-paused. Please wait a few seconds and try again.`);
    }
  }

  /** Runs `work` on the transaction's pinned connection, or on the pool; a failure aborts the transaction. */
  async function withConnection<T>(body: Json, work: (connection: Pool | PoolConnection) => Promise<T>): Promise<T> {
    const transactionId = optionalString(body, 'transactionId');
    if (!transactionId) return work(pool(optionalString(body, 'database')));
    const tx = transactions.claim(transactionId);
    try {
      const result = await work(tx.connection);
      transactions.release(tx);
      return result;
    } catch (error) {
      await transactions.abort(tx, (error as Error).message);
      throw error;
    }
  }

  async function execute(body: Json): Promise<Json> {
    checkTarget(body);
    const sql = statementText(body);
    const values = parameterValues(body.parameters);
    const resultSetOptions = (body.resultSetOptions ?? {}) as ResultSetOptions;
    const [result, fields] = await withConnection(body, (connection) => runStatement(connection, sql, values));
    if (!Array.isArray(result) || !fields) {
      const header = result as ResultSetHeader;
      return {
        generatedFields: header.insertId ? [{ longValue: Number(header.insertId) }] : [],
        numberOfRecordsUpdated: header.affectedRows ?? 0,
      };
    }
    const readers = fields.map((field) => fieldReader(field, resultSetOptions));
    const records: Field[][] = (result as unknown[][]).map((row) => row.map((value, i) => readers[i]!(value)));
    if (body.formatRecordsAs === 'JSON') {
      const labels = fields.map((field) => field.name);
      if (new Set(labels).size !== labels.length) {
        throw dataApiError('BadRequestException', 'The result contains duplicate column labels; give every column a distinct alias to use formatRecordsAs JSON.');
      }
      const objects = records.map((record) => Object.fromEntries(record.map((field, i) => [labels[i], fieldToJson(field)])));
      return { formattedRecords: JSON.stringify(objects), numberOfRecordsUpdated: 0 };
    }
    const out: Json = { records, numberOfRecordsUpdated: 0 };
    if (body.includeResultMetadata === true) out.columnMetadata = fields.map(columnMetadata);
    return out;
  }

  async function batchExecute(body: Json): Promise<Json> {
    checkTarget(body);
    const sql = statementText(body);
    const sets = Array.isArray(body.parameterSets) ? body.parameterSets : [[]];
    const updateResults = await withConnection(body, async (connection) => {
      const results: Json[] = [];
      for (const set of sets) {
        const [result] = await runStatement(connection, sql, parameterValues(set));
        const insertId = Array.isArray(result) ? 0 : Number((result as ResultSetHeader).insertId ?? 0);
        results.push({ generatedFields: insertId ? [{ longValue: insertId }] : [] });
      }
      return results;
    });
    return { updateResults };
  }

  async function beginTransaction(body: Json): Promise<Json> {
    checkTarget(body);
    if (body.schema !== undefined) throw dataApiError('ValidationException', 'The schema parameter isn\'t supported for Aurora MySQL.');
    const connection = await pool(optionalString(body, 'database')).getConnection();
    try {
      stats.statements++;
      await connection.query('START TRANSACTION');
    } catch (error) {
      connection.destroy();
      throw error;
    }
    return { transactionId: transactions.add(connection).id };
  }

  async function endTransaction(body: Json, statement: 'COMMIT' | 'ROLLBACK'): Promise<Json> {
    if (body.resourceArn !== config.resourceArn || body.secretArn !== config.secretArn) checkTarget(body);
    const transactionId = optionalString(body, 'transactionId');
    if (!transactionId) throw dataApiError('BadRequestException', 'transactionId is required');
    const tx: Transaction = transactions.claim(transactionId);
    stats.statements++;
    await transactions.finish(tx, statement);
    return { transactionStatus: statement === 'COMMIT' ? 'Transaction Committed' : 'Rollback Complete' };
  }

  async function dispatch(operation: Operation, body: Json): Promise<Json> {
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
        throw dataApiError('BadRequestException', 'ExecuteSql isn\'t supported for Aurora Serverless v2 and provisioned DB clusters. Use ExecuteStatement instead.');
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
      const raw = await readBody(req, config.maxRequestBytes);
      if (config.verifySignatures) {
        await verifySignature({ method: req.method, path: req.url ?? path, headers: req.headers, body: raw }, config.credentials);
      }
      stats.calls[operation] = (stats.calls[operation] ?? 0) + 1;
      const body = parseJson(raw);
      checkFaults();
      const out = await dispatch(operation, body).catch((error: unknown) => {
        throw toDataApiError(error);
      });
      const text = JSON.stringify(out);
      if (Buffer.byteLength(text) > config.maxResponseBytes) {
        throw dataApiError('BadRequestException', 'Database response exceeded size limit');
      }
      sendText(res, 200, text);
    } catch (error) {
      const failure = toDataApiError(error);
      status = failure.status;
      errorName = failure.name;
      stats.errors[failure.name] = (stats.errors[failure.name] ?? 0) + 1;
      res.setHeader('x-amzn-ErrorType', failure.name);
      send(res, failure.status, { message: failure.message });
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log(`${operation ?? path} ${status}${errorName ? ` ${errorName}` : ''} ${ms.toFixed(1)}ms`);
    }
  }

  /** Local only, for fault tests: GET shows the switches; POST {"resumingForMs": n, "unreachable": bool} sets them. */
  async function controlFaults(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'POST') {
      const body = parseJson(await readBody(req, 4_096));
      if (typeof body.resumingForMs === 'number') faults.resumingUntil = Date.now() + body.resumingForMs;
      if (typeof body.unreachable === 'boolean') faults.unreachable = body.unreachable;
    }
    send(res, 200, { resumingForMs: Math.max(0, faults.resumingUntil - Date.now()), unreachable: faults.unreachable });
  }

  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${config.host}:${port}`,
    port,
    resourceArn: config.resourceArn,
    secretArn: config.secretArn,
    faults,
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = { calls: {}, statements: 0, errors: {} };
    },
    openTransactions: () => transactions.size,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await transactions.closeAll();
      await Promise.all([...pools.values()].map((p) => p.end().catch(() => {})));
    },
  };
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'PROTOCOL_CONNECTION_LOST', 'ENOTFOUND']);

function toDataApiError(error: unknown): DataApiError {
  if (error instanceof DataApiError) return error;
  const e = error as { code?: string; errno?: number; message?: string; fatal?: boolean };
  if (e.code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
    return dataApiError('StatementTimeoutException', 'The statement ran past the statement timeout and was cancelled.');
  }
  if ((e.code && UNAVAILABLE_CODES.has(e.code)) || (e.fatal && !e.errno)) {
    return dataApiError('DatabaseUnavailableException', 'The database is unavailable. Try again later.');
  }
  if (typeof e.errno === 'number') return databaseError({ errno: e.errno, message: e.message ?? 'unknown error' });
  return dataApiError('BadRequestException', e.message ?? 'bad request');
}

function statementText(body: Json): string {
  const sql = body.sql;
  if (typeof sql !== 'string' || sql.trim() === '') throw dataApiError('BadRequestException', 'sql is required');
  if (sql.length > 65_536) throw dataApiError('ValidationException', 'sql must be at most 65536 characters');
  if (body.schema !== undefined) throw dataApiError('ValidationException', 'The schema parameter isn\'t supported for Aurora MySQL.');
  if (isMultiStatement(sql)) throw dataApiError('ValidationException', 'Multistatements aren\'t supported.');
  return sql;
}

/** Data API parameters to mysql2 named values. */
function parameterValues(parameters: unknown): Record<string, unknown> {
  if (parameters === undefined) return {};
  if (!Array.isArray(parameters)) throw dataApiError('BadRequestException', 'parameters must be a list');
  const values: Record<string, unknown> = {};
  for (const parameter of parameters as SqlParameter[]) {
    const name = parameter.name?.replace(/^:/, '');
    if (!name) throw dataApiError('BadRequestException', 'every parameter needs a name');
    values[name] = fieldValue(parameter.value ?? { isNull: true });
  }
  return values;
}

function fieldValue(field: Record<string, unknown>): unknown {
  const [kind, value] = Object.entries(field)[0] ?? ['isNull', true];
  switch (kind) {
    case 'isNull':
      return null;
    case 'booleanValue':
    case 'longValue':
    case 'doubleValue':
    case 'stringValue':
      return value;
    case 'blobValue':
      return Buffer.from(String(value), 'base64');
    case 'arrayValue':
      throw dataApiError('ValidationException', 'Array parameters are not supported.');
    default:
      throw dataApiError('BadRequestException', `unknown field type ${kind}`);
  }
}

function optionalString(body: Json, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function parseJson(raw: string): Json {
  try {
    const parsed: unknown = raw === '' ? {} : JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Json;
  } catch {
    // fall through
  }
  throw dataApiError('BadRequestException', 'The request body must be a JSON object');
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new DataApiError('BadRequestException', 413, `Request size exceeded the limit of ${maxBytes} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
