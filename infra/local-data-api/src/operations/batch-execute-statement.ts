import type { ResultSetHeader } from 'mysql2/promise';
import { dataApiError } from '../errors.js';
import { bindParameters, parameterMap } from '../params.js';
import { type Json, statementText } from '../wire.js';
import { limited, type OperationContext, onConnection } from './context.js';
import { checkTarget } from './target.js';

/** BatchExecuteStatement (`/BatchExecute`): one statement per parameter set, outside a transaction all or nothing. */
export async function batchExecuteStatement(context: OperationContext, body: Json): Promise<string> {
  checkTarget(context.config, body);
  const statements = boundStatements(body);
  // As on AWS: a batch without parameter sets runs nothing.
  if (statements.length === 0) return JSON.stringify({ updateResults: [] });
  return onConnection(context, body, async (connection, run, inTransaction) => {
    const { backend } = context;
    if (!inTransaction) await backend.control(connection, 'START TRANSACTION');
    const updateResults: Json[] = [];
    for (const statement of statements) {
      const [result] = await backend.run(connection, statement, run);
      const insertId = Array.isArray(result) ? 0 : Number((result as ResultSetHeader).insertId ?? 0);
      updateResults.push({ generatedFields: insertId ? [{ longValue: insertId }] : [] });
    }
    if (!inTransaction) await backend.control(connection, 'COMMIT');
    return limited(context, JSON.stringify({ updateResults }));
  });
}

function boundStatements(body: Json): string[] {
  const sql = statementText(body);
  if (body.parameterSets !== undefined && body.parameterSets !== null && !Array.isArray(body.parameterSets)) {
    throw dataApiError('BadRequestException', 'parameterSets must be a list of lists of SqlParameter');
  }
  const sets = (body.parameterSets ?? []) as unknown[];
  return sets.map((set) => bindParameters(sql, parameterMap(set)));
}
