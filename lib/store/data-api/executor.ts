import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import type { SqlExecutor, SqlParams, SqlResult } from '../sql-executor.js';
import { fromField, toSqlParameters } from './fields.js';

/** Which cluster, secret and database the statements go to. */
export interface DataApiTarget {
  resourceArn: string;
  secretArn: string;
  database: string;
}

export type DataApiOperation = 'ExecuteStatement' | 'BeginTransaction' | 'CommitTransaction' | 'RollbackTransaction';

/** Per-request hooks: counting round trips for metrics, and the signal that cuts a call short when time is up. */
export interface DataApiHooks {
  onCall?: (operation: DataApiOperation) => void;
  abortSignal?: () => AbortSignal | undefined;
}

/**
 * A rollback refused because the transaction's last statement still runs (the client gave up on it:
 * time ran out while it waited for a lock) is asked again until it lands. Left alone, that statement
 * would finish, and its locks stay until the Data API's idle expiry (3 minutes): every request on
 * the same rows would wait behind them. The Data API ends a statement after 45 s at the latest.
 */
const ROLLBACK_DEFAULTS = { waitForStatementMs: 46_000, firstDelayMs: 25, maxDelayMs: 500 };

/** The Data API's answer to a second call on a transaction while one of its statements runs. */
function isStatementRunning(error: unknown): boolean {
  return error instanceof Error && error.name === 'DatabaseErrorException' && error.message === 'Transaction is still running a query';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** SqlExecutor over the RDS Data API. One per container. */
export class DataApiExecutor implements SqlExecutor {
  constructor(
    private readonly client: RDSDataClient,
    private readonly target: DataApiTarget,
    private readonly hooks: DataApiHooks = {},
    private readonly transactionId?: string,
  ) {}

  private onCall(operation: DataApiOperation): void {
    this.hooks.onCall?.(operation);
  }

  /**
   * Options for one call: abortable, except a rollback, which must reach the server whatever the
   * time, and a BeginTransaction, which the server may carry out after we gave up on it, opening a
   * transaction whose id nobody would know to end (it is quick: the next call, aborted, rolls it back).
   */
  private callOptions(operation: DataApiOperation): { abortSignal?: AbortSignal } {
    const abortable = operation === 'ExecuteStatement' || operation === 'CommitTransaction';
    const abortSignal = abortable ? this.hooks.abortSignal?.() : undefined;
    return abortSignal ? { abortSignal } : {};
  }

  async run(sql: string, params?: SqlParams): Promise<SqlResult> {
    this.onCall('ExecuteStatement');
    const out = await this.client.send(
      new ExecuteStatementCommand({
        ...this.target,
        sql,
        parameters: toSqlParameters(params),
        transactionId: this.transactionId,
      }),
      this.callOptions('ExecuteStatement'),
    );
    const generated = out.generatedFields?.[0];
    const insertId = generated ? fromField(generated) : undefined;
    return {
      rows: (out.records ?? []).map((record) => record.map(fromField)),
      affectedRows: out.numberOfRecordsUpdated ?? 0,
      insertId: typeof insertId === 'number' && insertId > 0 ? insertId : undefined,
    };
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    if (this.transactionId) throw new Error('nested transactions are not supported by the Data API');
    const { resourceArn, secretArn, database } = this.target;
    this.onCall('BeginTransaction');
    const { transactionId } = await this.client.send(new BeginTransactionCommand({ resourceArn, secretArn, database }), this.callOptions('BeginTransaction'));
    if (!transactionId) throw new Error('BeginTransaction returned no transactionId');
    const tx = new DataApiExecutor(this.client, this.target, this.hooks, transactionId);
    let result: T;
    try {
      result = await work(tx);
    } catch (error) {
      await this.rollback(transactionId);
      throw error;
    }
    this.onCall('CommitTransaction');
    await this.client.send(new CommitTransactionCommand({ resourceArn, secretArn, transactionId }), this.callOptions('CommitTransaction'));
    return result;
  }

  /**
   * Best effort, and the first error is the one to report: a transaction the server already aborted
   * answers TransactionNotFound, one we cannot reach is rolled back by the Data API when it idles out;
   * one still running a statement is asked again (ROLLBACK_DEFAULTS).
   */
  private async rollback(transactionId: string): Promise<void> {
    const { resourceArn, secretArn } = this.target;
    const until = Date.now() + ROLLBACK_DEFAULTS.waitForStatementMs;
    for (let delay = ROLLBACK_DEFAULTS.firstDelayMs; ; delay = Math.min(2 * delay, ROLLBACK_DEFAULTS.maxDelayMs)) {
      this.onCall('RollbackTransaction');
      const refused = await this.client.send(new RollbackTransactionCommand({ resourceArn, secretArn, transactionId })).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (!isStatementRunning(refused) || Date.now() + delay > until) return;
      await sleep(delay);
    }
  }
}
