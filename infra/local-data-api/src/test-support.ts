import { randomBytes } from 'node:crypto';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SignatureV4 } from '@smithy/signature-v4';
import mysql from 'mysql2/promise';
import { inject } from 'vitest';
import { LOCAL_DEFAULTS, type LocalDataApi, type LocalDataApiOptions, startLocalDataApi } from './server.js';
import { NodeSha256 } from './sigv4.js';

/**
 * Helpers of the local Data API server's own tests. Each test file starts servers of its own (free
 * port, the test run's database made by test-global-setup.ts).
 */

/** The MySQL/MariaDB server and the database of this test run; throws why there is none. */
export function testDatabase(): { mysqlUrl: string; dbName: string } {
  const provided = inject('localDataApiTest');
  if (provided.unavailable) throw new Error(provided.unavailable);
  return provided;
}

export async function startServer(options: LocalDataApiOptions = {}): Promise<LocalDataApi> {
  return startLocalDataApi({ port: 0, mysqlUrl: testDatabase().mysqlUrl, defaultDatabase: testDatabase().dbName, poolSize: 8, ...options });
}

export function sdkClient(server: LocalDataApi, credentials = LOCAL_DEFAULTS.credentials, maxAttempts = 1): RDSDataClient {
  return new RDSDataClient({ endpoint: server.url, region: LOCAL_DEFAULTS.region, credentials, maxAttempts });
}

export function target(server: LocalDataApi) {
  return { resourceArn: server.resourceArn, secretArn: server.secretArn, database: testDatabase().dbName };
}

/** A table name no other test uses. */
export function uniqueTable(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

let pool: mysql.Pool | undefined;

/** Straight to MySQL/MariaDB, for arranging rows and checking what the server did. */
export function direct(): mysql.Pool {
  pool ??= mysql.createPool({ uri: testDatabase().mysqlUrl, database: testDatabase().dbName, connectionLimit: 4, dateStrings: true, timezone: 'Z' });
  return pool;
}

export async function closeDirect(): Promise<void> {
  await pool?.end();
  pool = undefined;
}

export interface RawResponse {
  status: number;
  errorType: string | null;
  text: string;
  json: any;
}

/** A request as the SDK would send it (signed unless `sign: false`), with full control over the body and the signature. */
export async function rawCall(
  server: LocalDataApi,
  operation: string,
  body: unknown,
  options: {
    sign?: boolean;
    credentials?: { accessKeyId: string; secretAccessKey: string };
    signingDate?: Date;
    tamper?: (headers: Record<string, string>) => void;
  } = {},
): Promise<RawResponse> {
  const url = new URL(`/${operation}`, server.url);
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  let headers: Record<string, string> = { 'content-type': 'application/json', host: url.host };
  if (options.sign !== false) {
    const signer = new SignatureV4({
      credentials: options.credentials ?? LOCAL_DEFAULTS.credentials,
      region: LOCAL_DEFAULTS.region,
      service: 'rds-data',
      sha256: NodeSha256,
    });
    const signed = await signer.sign(
      { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers, body: text },
      { signingDate: options.signingDate },
    );
    headers = signed.headers as Record<string, string>;
  }
  options.tamper?.(headers);
  const { host: _host, ...sent } = headers;
  const response = await fetch(url, { method: 'POST', headers: sent, body: text });
  const responseText = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(responseText);
  } catch {
    json = undefined;
  }
  return { status: response.status, errorType: response.headers.get('x-amzn-errortype'), text: responseText, json };
}

/** Fails with the error a promise was rejected with, or with "it resolved". */
export async function rejectionOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but it resolved');
}

/**
 * A table with one column of every MySQL type the Data API maps, and one row whose values have
 * known Data API answers (TYPE_ROW_FIELDS). Values follow the real Aurora MySQL responses recorded
 * in jeremydaly/data-api-client (fixtures/sample-query-response.json, integration-tests/mysql.int.test.ts).
 */
export function typesTableDdl(table: string): string {
  return `CREATE TABLE \`${table}\` (
    id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    tinyint_col TINYINT,
    bool_col TINYINT(1),
    smallint_unsigned_col SMALLINT UNSIGNED,
    mediumint_col MEDIUMINT,
    int_col INT NOT NULL DEFAULT 0,
    bigint_col BIGINT,
    float_col FLOAT,
    double_col DOUBLE,
    decimal_col DECIMAL(10,4),
    name VARCHAR(100),
    char_col CHAR(10),
    text_col TEXT,
    varbinary_col VARBINARY(16),
    blob_col BLOB,
    date_col DATE,
    time_col TIME,
    datetime_col DATETIME,
    created TIMESTAMP NULL DEFAULT NULL,
    year_col YEAR,
    json_col JSON,
    bit_col BIT(1),
    enum_col ENUM('small','medium','large'),
    null_col VARCHAR(10)
  ) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`;
}

export const TYPE_ROW_SQL = (table: string) => `INSERT INTO \`${table}\`
  (tinyint_col, bool_col, smallint_unsigned_col, mediumint_col, int_col, bigint_col, float_col, double_col, decimal_col,
   name, char_col, text_col, varbinary_col, blob_col, date_col, time_col, datetime_col, created, year_col, json_col,
   bit_col, enum_col, null_col)
  VALUES (-128, 1, 65535, -8388608, -2147483648, 9007199254740991, 3.14159, 2.718281828459045, 123456.7890,
   'Mike Brady', 'CHAR', 'Long text', X'48656C6C6F', X'000102FF', '2024-12-25', '14:30:45', '2019-11-12 22:00:11',
   '2019-11-12 22:15:25', 2024, '{"a": 1}', b'1', 'medium', NULL)`;

/** The Data API Field of each column of the row above, in column order (id first, whatever its value). */
export const TYPE_ROW_FIELDS: [string, Record<string, unknown>][] = [
  ['tinyint_col', { longValue: -128 }],
  ['bool_col', { booleanValue: true }],
  ['smallint_unsigned_col', { longValue: 65535 }],
  ['mediumint_col', { longValue: -8388608 }],
  ['int_col', { longValue: -2147483648 }],
  ['bigint_col', { longValue: 9007199254740991 }],
  ['float_col', { doubleValue: 3.14159 }],
  ['double_col', { doubleValue: 2.718281828459045 }],
  ['decimal_col', { stringValue: '123456.7890' }],
  ['name', { stringValue: 'Mike Brady' }],
  ['char_col', { stringValue: 'CHAR' }],
  ['text_col', { stringValue: 'Long text' }],
  ['varbinary_col', { blobValue: 'SGVsbG8=' }],
  ['blob_col', { blobValue: 'AAEC/w==' }],
  ['date_col', { stringValue: '2024-12-25' }],
  ['time_col', { stringValue: '14:30:45' }],
  ['datetime_col', { stringValue: '2019-11-12 22:00:11' }],
  ['created', { stringValue: '2019-11-12 22:15:25' }],
  ['year_col', { stringValue: '2024' }],
  ['json_col', { stringValue: '{"a": 1}' }],
  ['bit_col', { booleanValue: true }],
  ['enum_col', { stringValue: 'medium' }],
  ['null_col', { isNull: true }],
];

/** typeName and JDBC type code of each column (id first). */
export const TYPE_COLUMNS: [string, string, number][] = [
  ['id', 'INT UNSIGNED', 4],
  ['tinyint_col', 'TINYINT', -6],
  ['bool_col', 'BIT', -7],
  ['smallint_unsigned_col', 'SMALLINT UNSIGNED', 5],
  ['mediumint_col', 'MEDIUMINT', 4],
  ['int_col', 'INT', 4],
  ['bigint_col', 'BIGINT', -5],
  ['float_col', 'FLOAT', 7],
  ['double_col', 'DOUBLE', 8],
  ['decimal_col', 'DECIMAL', 3],
  ['name', 'VARCHAR', 12],
  ['char_col', 'CHAR', 1],
  ['text_col', 'TEXT', -1],
  ['varbinary_col', 'VARBINARY', -3],
  ['blob_col', 'BLOB', -4],
  ['date_col', 'DATE', 91],
  ['time_col', 'TIME', 92],
  ['datetime_col', 'DATETIME', 93],
  ['created', 'TIMESTAMP', 93],
  ['year_col', 'YEAR', 91],
  ['json_col', 'JSON', -1],
  ['bit_col', 'BIT', -7],
  ['enum_col', 'ENUM', 1],
  ['null_col', 'VARCHAR', 12],
];
