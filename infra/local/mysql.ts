import { DatabaseUnreachable, mysqlProblem, parseMysqlUrl } from 'local-data-api/mysql';
import mysql from 'mysql2/promise';

/** Local-only helpers for the MySQL/MariaDB server behind the local Data API (never used by the handler). */

export { DatabaseUnreachable };

const NAME = /^[A-Za-z0-9_]{1,64}$/;

async function connect(mysqlUrl: string) {
  parseMysqlUrl(mysqlUrl);
  try {
    return await mysql.createConnection({ uri: mysqlUrl, connectTimeout: 3_000 });
  } catch (error) {
    throw mysqlProblem(error, mysqlUrl);
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
