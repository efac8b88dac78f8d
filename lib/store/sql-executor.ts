/**
 * The small interface the repository needs from a database: run one statement with named
 * parameters, or run a function inside a transaction. The Data API adapter (lib/store/data-api/) is the
 * production one; the benchmark's direct mysql2 adapter swaps in behind the same interface.
 */
export type SqlValue = string | number | boolean | null;
export type SqlParams = Record<string, SqlValue>;

export interface SqlResult {
  /** Rows as arrays, in the statement's column order. Empty for statements that return no rows. */
  rows: SqlValue[][];
  /** Rows inserted, updated or deleted. */
  affectedRows: number;
  /** The auto-increment id an INSERT generated, if any. */
  insertId?: number;
}

export interface SqlExecutor {
  run(sql: string, params?: SqlParams): Promise<SqlResult>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}
