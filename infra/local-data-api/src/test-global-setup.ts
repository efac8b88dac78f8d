import mysql from 'mysql2/promise';
import type { TestProject } from 'vitest/node';
import { LOCAL_DEFAULTS } from './defaults.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The MySQL/MariaDB server and the throwaway database the package's integration tests use. */
    localDataApiTest: { mysqlUrl: string; dbName: string; unavailable?: string };
  }
}

/**
 * A database of the test run's own on the MySQL/MariaDB server (MYSQL_URL), dropped at the end.
 * Nothing else: each test file starts the local Data API servers it needs. Without a server the
 * unit tests still run; the integration tests fail with the reason (test-support.ts).
 */
export default async function setup(project: TestProject) {
  const mysqlUrl = process.env.MYSQL_URL || LOCAL_DEFAULTS.mysqlUrl;
  const dbName = `local_data_api_test_${process.pid}`;
  try {
    await onServer(mysqlUrl, `CREATE DATABASE IF NOT EXISTS \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } catch (error) {
    project.provide('localDataApiTest', { mysqlUrl, dbName, unavailable: (error as Error).message });
    return;
  }
  project.provide('localDataApiTest', { mysqlUrl, dbName });
  return () => onServer(mysqlUrl, `DROP DATABASE IF EXISTS \`${dbName}\``);
}

async function onServer(mysqlUrl: string, sql: string): Promise<void> {
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection({ uri: mysqlUrl, connectTimeout: 3_000 });
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    throw new Error(`The local Data API tests need MySQL/MariaDB at ${new URL(mysqlUrl).host} (${reason}): start it or set MYSQL_URL`);
  }
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}
