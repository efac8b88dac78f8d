import { dataApiError } from '../errors.js';
import { batchExecuteStatement } from './batch-execute-statement.js';
import { beginTransaction } from './begin-transaction.js';
import type { Operation } from './context.js';
import { commitTransaction, rollbackTransaction } from './end-transaction.js';
import { executeStatement } from './execute-statement.js';

export type { Operation, OperationContext } from './context.js';

/** Not supported on Aurora Serverless v2 and provisioned clusters (API reference, ExecuteSql). */
const executeSql: Operation = async () => {
  throw dataApiError('BadRequestException', 'This API is deprecated and not available. Use ExecuteStatement API instead');
};

/** The operations by request path, each with the SDK's name of it (for the log). */
export const OPERATIONS: ReadonlyMap<string, { name: string; stat: string; run: Operation }> = new Map([
  ['/Execute', { name: 'ExecuteStatement', stat: 'Execute', run: executeStatement }],
  ['/BatchExecute', { name: 'BatchExecuteStatement', stat: 'BatchExecute', run: batchExecuteStatement }],
  ['/BeginTransaction', { name: 'BeginTransaction', stat: 'BeginTransaction', run: beginTransaction }],
  ['/CommitTransaction', { name: 'CommitTransaction', stat: 'CommitTransaction', run: commitTransaction }],
  ['/RollbackTransaction', { name: 'RollbackTransaction', stat: 'RollbackTransaction', run: rollbackTransaction }],
  ['/ExecuteSql', { name: 'ExecuteSql', stat: 'ExecuteSql', run: executeSql }],
]);
