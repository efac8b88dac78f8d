import type { PoolConnection } from 'mysql2/promise';
import { responseTooLarge } from '../errors.js';
import type { MysqlBackend } from '../mysql-backend.js';
import type { ServerConfig } from '../options.js';
import type { StatementRun } from '../statement-timeout.js';
import type { Transaction, TransactionStore } from '../transactions.js';
import { type Json, optionalString } from '../wire.js';

/** What every operation works with. */
export interface OperationContext {
  config: Pick<ServerConfig, 'resourceArn' | 'secretArn' | 'maxResponseBytes' | 'maxFormattedRecordsBytes'>;
  backend: MysqlBackend;
  transactions: TransactionStore;
}

/** One Data API operation: the request's JSON body in, the response's JSON text out (or a DataApiError thrown). */
export type Operation = (context: OperationContext, body: Json) => Promise<string>;

export type ConnectionWork<T> = (connection: PoolConnection, run: StatementRun, inTransaction: boolean) => Promise<T>;

/**
 * Runs `work` on the call's transaction's pinned connection, or on a connection of its own. A
 * failure inside a transaction aborts it (rolled back; its id answers TransactionNotFoundException).
 */
export async function onConnection<T>(context: OperationContext, body: Json, work: ConnectionWork<T>): Promise<T> {
  const run: StatementRun = { continueAfterTimeout: body.continueAfterTimeout === true };
  const transactionId = optionalString(body, 'transactionId');
  if (transactionId) return inTransaction(context.transactions, transactionId, run, work);
  const connection = await context.backend.connection(optionalString(body, 'database'));
  let failed = false;
  try {
    return await work(connection, run, false);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    context.backend.releaseAfter(connection, run, failed);
  }
}

async function inTransaction<T>(transactions: TransactionStore, id: string, run: StatementRun, work: ConnectionWork<T>): Promise<T> {
  const tx: Transaction = transactions.claim(id);
  try {
    const result = await work(tx.connection, run, true);
    transactions.release(tx);
    return result;
  } catch (error) {
    const aborted = transactions.abort(tx, (error as Error).message, run.pending);
    // Wait for the rollback unless a statement past its timeout is still running.
    if (!run.pending) await aborted;
    throw error;
  }
}

/** The response, or BadRequestException past the response limit. */
export function limited(context: OperationContext, text: string): string {
  if (Buffer.byteLength(text) > context.config.maxResponseBytes) throw responseTooLarge();
  return text;
}
