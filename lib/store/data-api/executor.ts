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

  /** Options for one call: abortable, except a rollback, which must reach the server whatever the time. */
  private callOptions(operation: DataApiOperation): { abortSignal?: AbortSignal } {
    const abortSignal = operation === 'RollbackTransaction' ? undefined : this.hooks.abortSignal?.();
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
      // Best effort: a transaction the server already aborted answers TransactionNotFound, and one
      // we cannot reach is rolled back by the Data API when it idles out. The first error is the one to report.
      this.onCall('RollbackTransaction');
      await this.client.send(new RollbackTransactionCommand({ resourceArn, secretArn, transactionId })).catch(() => {});
      throw error;
    }
    this.onCall('CommitTransaction');
    await this.client.send(new CommitTransactionCommand({ resourceArn, secretArn, transactionId }), this.callOptions('CommitTransaction'));
    return result;
  }
}
