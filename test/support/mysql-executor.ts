import mysql, { type Pool, type PoolConnection, type ResultSetHeader } from 'mysql2/promise';
import type { SqlExecutor, SqlParams, SqlResult, SqlValue } from '../../lib/store/sql-executor.js';

/**
 * The benchmark's floor, path (c): the service's own repository and reconciliation on a direct
 * mysql2 connection pool, no Data API in between. Only the adapter differs from production.
 * Errors are translated to the Data API's vocabulary so that lib/runtime/retry.ts treats them the same.
 */
export class MysqlExecutor implements SqlExecutor {
  constructor(
    private readonly pool: Pool,
    private readonly connection?: PoolConnection,
    private readonly counter: { statements: number } = { statements: 0 },
  ) {}

  static create(mysqlUrl: string, database: string, connectionLimit = 64): MysqlExecutor {
    // jsonStrings: JSON values as text, as the Data API returns them (mysql2 would parse MySQL's JSON
    // columns, and MariaDB's JSON_ARRAYAGG text it marks as JSON, into objects).
    const pool = mysql.createPool({ uri: mysqlUrl, database, connectionLimit, namedPlaceholders: true, dateStrings: true, jsonStrings: true, timezone: 'Z' });
    return new MysqlExecutor(pool);
  }

  get statementCount(): number {
    return this.counter.statements;
  }

  async run(sql: string, params: SqlParams = {}): Promise<SqlResult> {
    this.counter.statements++;
    try {
      const [result] = await (this.connection ?? this.pool).execute({ sql, values: params as mysql.QueryValues, rowsAsArray: true });
      if (Array.isArray(result)) return { rows: result as SqlValue[][], affectedRows: 0 };
      const header = result as ResultSetHeader;
      return { rows: [], affectedRows: header.affectedRows, insertId: header.insertId || undefined };
    } catch (error) {
      throw asDataApiError(error);
    }
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const connection = await this.pool.getConnection();
    try {
      this.counter.statements++;
      await connection.beginTransaction();
      const result = await work(new MysqlExecutor(this.pool, connection, this.counter));
      this.counter.statements++;
      await connection.commit();
      return result;
    } catch (error) {
      this.counter.statements++;
      await connection.rollback().catch(() => {});
      throw asDataApiError(error);
    } finally {
      connection.release();
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

function asDataApiError(error: unknown): unknown {
  const e = error as { errno?: number; message?: string; name?: string };
  if (typeof e.errno !== 'number' || e.name === 'DatabaseErrorException') return error;
  return Object.assign(new Error(`Database error code: ${e.errno}. Message: ${e.message}`), { name: 'DatabaseErrorException' });
}
