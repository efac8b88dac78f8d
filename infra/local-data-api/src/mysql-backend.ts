import mysql, { type FieldPacket, type Pool, type PoolConnection } from 'mysql2/promise';
import { isDdl, JsonColumns } from './json-columns.js';
import type { MysqlConnectionOptions } from './mysql-socket.js';
import { type StatementRun, withStatementTimeout } from './statement-timeout.js';

export type QueryResult = [unknown, FieldPacket[] | FieldPacket[][] | undefined];
export type TransactionControl = 'START TRANSACTION' | 'COMMIT' | 'ROLLBACK';

export interface MysqlBackendOptions {
  /** The URL, and the Unix socket to reach it through if any (mysql-socket.ts). */
  connection: MysqlConnectionOptions;
  /** Database of connections for calls that name none. */
  defaultDatabase?: string;
  /** Connections per database. */
  poolSize: number;
  /** sql_mode of every session; null leaves the server's own. */
  sqlMode: string | null;
  /** 0: none. */
  statementTimeoutMs: number;
  /** Called for every statement sent (transaction control included). */
  onStatement?: () => void;
}

/**
 * The MySQL/MariaDB side: one pool per database, sessions set up as on Aurora MySQL, connections
 * whose session a statement changed kept from other calls, the statement timeout (KILL QUERY on a
 * small admin pool of its own, so it never waits behind busy connections), the server's version.
 */
export class MysqlBackend {
  readonly jsonColumns = new JsonColumns(() => this.admin());
  private readonly pools = new Map<string, Pool>();
  private adminPool: Pool | undefined;
  private version: Promise<string> | undefined;
  /** Connections whose session a statement changed (USE, SET): never handed to another call. */
  private readonly changedSessions = new WeakSet<PoolConnection>();
  private readonly sessionSetup: string;

  constructor(private readonly options: MysqlBackendOptions) {
    // Every session as on Aurora MySQL: UTC (the Data API answers TIMESTAMPs in UTC), and its sql_mode.
    const sqlMode = options.sqlMode === null ? '' : `, sql_mode = ${mysql.escape(options.sqlMode)}`;
    this.sessionSetup = `SET time_zone = '+00:00'${sqlMode}`;
  }

  connection(database: string | undefined): Promise<PoolConnection> {
    return this.pool(database ?? this.options.defaultDatabase ?? '').getConnection();
  }

  /** Back to the pool, or closed if its session was changed. */
  giveBack(connection: PoolConnection): void {
    if (this.changedSessions.has(connection)) connection.destroy();
    else connection.release();
  }

  /** Transaction control on `connection` (counted as a statement). */
  async control(connection: PoolConnection, statement: TransactionControl): Promise<void> {
    this.options.onStatement?.();
    await connection.query(statement);
  }

  /** Ends a transaction's connection: COMMIT or ROLLBACK, then back to the pool (closed if that fails). */
  async endTransaction(connection: PoolConnection, statement: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    try {
      await this.control(connection, statement);
      this.giveBack(connection);
    } catch (error) {
      connection.destroy();
      throw error;
    }
  }

  /** Gives a call's connection back once what it still runs has ended; rolls back first when asked. */
  releaseAfter(connection: PoolConnection, run: StatementRun, rollback: boolean): void {
    void (run.pending ?? Promise.resolve())
      .then(async () => {
        if (rollback) await this.control(connection, 'ROLLBACK');
        this.giveBack(connection);
      })
      .catch(() => connection.destroy());
  }

  /** One statement, rows as arrays, cancelled past the statement timeout unless run.continueAfterTimeout. */
  run(connection: PoolConnection, sql: string, run: StatementRun): Promise<QueryResult> {
    this.options.onStatement?.();
    const ddl = isDdl(sql);
    if (ddl) this.jsonColumns.invalidate();
    if (changesSession(sql)) this.changedSessions.add(connection);
    const query = connection.query({ sql, rowsAsArray: true }) as Promise<QueryResult>;
    if (ddl) void query.finally(() => this.jsonColumns.invalidate()).catch(() => {});
    const threadId = connection.threadId;
    const cancel = () =>
      void this.admin()
        .query(`KILL QUERY ${Number(threadId)}`)
        .catch(() => connection.destroy());
    return withStatementTimeout(query, { timeoutMs: this.options.statementTimeoutMs, threadId, run, cancel });
  }

  /** The server's version, e.g. "10.11.6-MariaDB" (asked once). */
  serverVersion(): Promise<string> {
    this.version ??= this.admin()
      .query('SELECT VERSION() AS v')
      .then(([rows]) => String((rows as { v: string }[])[0]?.v ?? ''));
    this.version.catch(() => {
      this.version = undefined;
    });
    return this.version;
  }

  async isMariaDb(): Promise<boolean> {
    return (await this.serverVersion()).includes('MariaDB');
  }

  async close(): Promise<void> {
    const all = [...this.pools.values(), ...(this.adminPool ? [this.adminPool] : [])];
    await Promise.all(all.map((pool) => pool.end().catch(() => {})));
  }

  private pool(database: string): Pool {
    let pool = this.pools.get(database);
    if (!pool) {
      pool = mysql.createPool(this.poolOptions(database, this.options.poolSize));
      const setup = this.sessionSetup;
      pool.pool.on('connection', (connection) => void connection.query(setup, () => {}));
      this.pools.set(database, pool);
    }
    return pool;
  }

  /** A small pool of its own, for KILL QUERY and schema look-ups. */
  private admin(): Pool {
    this.adminPool ??= mysql.createPool(this.poolOptions(undefined, 2));
    return this.adminPool;
  }

  private poolOptions(database: string | undefined, connectionLimit: number): mysql.PoolOptions {
    return {
      ...this.options.connection,
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
}

/** USE and SET change the session for the calls after: such a connection is not reused by another call. */
function changesSession(sql: string): boolean {
  const text = sql.replace(/^(\s+|--[^\n]*\n?|#[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '');
  return /^(USE|SET)\b/i.test(text);
}
