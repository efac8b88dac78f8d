import mysql from 'mysql2/promise';

/** Local-only helpers for the MySQL/MariaDB server behind the local Data API (never used by the handler). */

export class DatabaseUnreachable extends Error {
  override name = 'DatabaseUnreachable';
}

const NAME = /^[A-Za-z0-9_]{1,64}$/;

export function describeMysqlUrl(mysqlUrl: string): string {
  try {
    const url = new URL(mysqlUrl);
    return `${url.hostname}:${url.port || 3306}`;
  } catch {
    return mysqlUrl;
  }
}

async function connect(mysqlUrl: string) {
  try {
    return await mysql.createConnection({ uri: mysqlUrl, connectTimeout: 3_000 });
  } catch (error) {
    const reason = (error as { code?: string; message?: string }).code ?? (error as Error).message;
    throw new DatabaseUnreachable(
      `Cannot reach MySQL/MariaDB at ${describeMysqlUrl(mysqlUrl)} (${reason}): start it (for example \`service mariadb start\`) or set MYSQL_URL=mysql://user:password@host:port`,
    );
  }
}

function checkName(name: string): string {
  if (!NAME.test(name)) throw new Error(`database name must match ${NAME}, not "${name}"`);
  return name;
}

export async function ensureDatabase(mysqlUrl: string, name: string): Promise<void> {
  const connection = await connect(mysqlUrl);
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${checkName(name)}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await connection.end();
  }
}

export async function dropDatabase(mysqlUrl: string, name: string): Promise<void> {
  const connection = await connect(mysqlUrl);
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${checkName(name)}\``);
  } finally {
    await connection.end();
  }
}
