import { dataApiError } from '../errors.js';
import { type Json, optionalString } from '../wire.js';
import type { OperationContext } from './context.js';
import { checkTarget } from './target.js';

/** CommitTransaction. */
export function commitTransaction(context: OperationContext, body: Json): Promise<string> {
  return endTransaction(context, body, 'COMMIT');
}

/** RollbackTransaction; it succeeds once on a transaction a failed statement aborted (rolled back already). */
export function rollbackTransaction(context: OperationContext, body: Json): Promise<string> {
  return endTransaction(context, body, 'ROLLBACK');
}

async function endTransaction(context: OperationContext, body: Json, statement: 'COMMIT' | 'ROLLBACK'): Promise<string> {
  checkTarget(context.config, body);
  const transactionId = optionalString(body, 'transactionId');
  if (!transactionId) throw dataApiError('BadRequestException', 'transactionId is required');
  if (statement === 'ROLLBACK' && context.transactions.rollbackAborted(transactionId)) {
    return JSON.stringify({ transactionStatus: 'Rollback Complete' });
  }
  const tx = context.transactions.claim(transactionId);
  await context.transactions.finish(tx, statement);
  return JSON.stringify({ transactionStatus: statement === 'COMMIT' ? 'Transaction Committed' : 'Rollback Complete' });
}
