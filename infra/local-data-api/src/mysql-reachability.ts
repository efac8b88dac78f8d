import mysql from 'mysql2/promise';

/**
 * Can we log in to the MySQL/MariaDB server a URL names? The one place that answers it, and that
 * turns every way it can fail into one line naming the real problem (used by this package's CLI and
 * by any project that starts it).
 */

export type MysqlProblem = 'malformed-url' | 'unreachable' | 'access-denied' | 'unknown-database' | 'refused';

export class DatabaseUnreachable extends Error {
  override name = 'DatabaseUnreachable';
  constructor(
    message: string,
    readonly problem: MysqlProblem,
  ) {
    super(message);
  }
}

export interface MysqlCheckOptions {
  /** Where the URL came from, as the user would change it (default `MYSQL_URL`; the CLI says `--mysql-url`). */
  setting?: string;
  /** Also report whether this database (schema) exists. */
  database?: string;
  connectTimeoutMs?: number;
}

export interface MysqlServerInfo {
  /** What `SELECT VERSION()` answers, e.g. `10.11.19-MariaDB-0+deb12u1` or `8.0.42`. */
  version: string;
  databaseExists?: boolean;
}

const EXPECTED = 'mysql://user:password@host:port';
// Errors that mean "nobody answered there", as opposed to "someone answered and said no".
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
]);

/**
 * The engine and its version from what `SELECT VERSION()` answers: `MariaDB 10.11.19` for
 * `10.11.19-MariaDB-0+deb12u1`, `MySQL 9.7.4` for `9.7.4-2`, `MySQL 8.0.42` for `8.0.42`.
 */
export function serverName(version: string): string {
  const [number] = version.split('-');
  return `${/mariadb/i.test(version) ? 'MariaDB' : 'MySQL'} ${number}`;
}

/** host:port of a MySQL URL, never its password; the text as given when it is not a URL. */
export function describeMysqlUrl(mysqlUrl: string): string {
  try {
    const url = new URL(mysqlUrl);
    return `${url.hostname}:${url.port || 3306}`;
  } catch {
    return '(not a URL)';
  }
}

function settingHint(setting: string): string {
  return setting.startsWith('-') ? `pass ${setting} ${EXPECTED}` : `set ${setting}=${EXPECTED}`;
}

/** The URL, or a DatabaseUnreachable('malformed-url') saying what is wrong with it (without echoing a password). */
export function parseMysqlUrl(mysqlUrl: string, setting = 'MYSQL_URL'): URL {
  const malformed = (why: string) => new DatabaseUnreachable(`${setting} ${why}: expected ${EXPECTED}`, 'malformed-url');
  let url: URL;
  try {
    url = new URL(mysqlUrl);
  } catch {
    throw malformed('is not a valid URL');
  }
  if (url.protocol !== 'mysql:') throw malformed('must start with mysql://');
  if (url.hostname === '') throw malformed('names no host');
  return url;
}

/** A mysql2 connection error as one line naming the real problem. */
export function mysqlProblem(error: unknown, mysqlUrl: string, options: MysqlCheckOptions = {}): DatabaseUnreachable {
  const setting = options.setting ?? 'MYSQL_URL';
  const where = describeMysqlUrl(mysqlUrl);
  const { code, message } = error as { code?: string; message?: string };
  const text = String(message ?? error).split('\n')[0];
  if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR' || code === 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR') {
    return new DatabaseUnreachable(`MySQL/MariaDB at ${where} refused the login (${text}): check the user and password in ${setting}`, 'access-denied');
  }
  if (code === 'ER_BAD_DB_ERROR') {
    return new DatabaseUnreachable(
      `MySQL/MariaDB at ${where} has no such database (${text}): create it, or remove the database from ${setting}`,
      'unknown-database',
    );
  }
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return new DatabaseUnreachable(
      `Cannot reach MySQL/MariaDB at ${where} (${code}): start it (for example \`service mariadb start\`) or ${settingHint(setting)}`,
      'unreachable',
    );
  }
  return new DatabaseUnreachable(`MySQL/MariaDB at ${where} refused the connection (${code ?? text}: ${text}): check the server and ${setting}`, 'refused');
}

/** Log in once and ask the server's version; any failure is a DatabaseUnreachable with one line for the user. */
export async function checkMysql(mysqlUrl: string, options: MysqlCheckOptions = {}): Promise<MysqlServerInfo> {
  parseMysqlUrl(mysqlUrl, options.setting);
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection({ uri: mysqlUrl, connectTimeout: options.connectTimeoutMs ?? 3_000 });
  } catch (error) {
    throw mysqlProblem(error, mysqlUrl, options);
  }
  try {
    const [rows] = await connection.query('SELECT VERSION() AS v, (SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?) AS n', [
      options.database ?? '',
    ]);
    const row = (rows as { v: string; n: number }[])[0];
    return { version: String(row?.v ?? ''), databaseExists: options.database === undefined ? undefined : Number(row?.n ?? 0) > 0 };
  } catch (error) {
    throw mysqlProblem(error, mysqlUrl, options);
  } finally {
    await connection.end().catch(() => {});
  }
}
