import { schemaNotSupported } from '../errors.js';
import { type Json, optionalString } from '../wire.js';
import type { OperationContext } from './context.js';
import { checkTarget } from './target.js';

/** BeginTransaction: a connection of its own, pinned to the new transaction until it ends. */
export async function beginTransaction(context: OperationContext, body: Json): Promise<string> {
  checkTarget(context.config, body);
  if (body.schema !== undefined && body.schema !== null) throw schemaNotSupported();
  const connection = await context.backend.connection(optionalString(body, 'database'));
  try {
    await context.backend.control(connection, 'START TRANSACTION');
  } catch (error) {
    connection.destroy();
    throw error;
  }
  return JSON.stringify({ transactionId: context.transactions.add(connection).id });
}
