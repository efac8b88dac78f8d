import type { FieldPacket, ResultSetHeader } from 'mysql2/promise';
import { dataApiError, responseTooLarge } from '../errors.js';
import type { QueryResult } from '../mysql-backend.js';
import { columnMetadata, type Field, fieldReader, fieldToJson, type ResultSetOptions, stringifyExact } from '../mysql-fields.js';
import { bindParameters, parameterMap } from '../params.js';
import { type Json, readFormat, readResultSetOptions, statementText } from '../wire.js';
import { limited, type OperationContext, onConnection } from './context.js';
import { checkTarget } from './target.js';

interface ExecuteRequest {
  sql: string;
  resultSetOptions: ResultSetOptions;
  asJson: boolean;
  withMetadata: boolean;
}

/** ExecuteStatement (`/Execute`): one statement, its first result set as records, formattedRecords or an update count. */
export async function executeStatement(context: OperationContext, body: Json): Promise<string> {
  checkTarget(context.config, body);
  const request: ExecuteRequest = {
    sql: bindParameters(statementText(body), parameterMap(body.parameters)),
    resultSetOptions: readResultSetOptions(body.resultSetOptions),
    asJson: readFormat(body.formatRecordsAs) === 'JSON',
    withMetadata: body.includeResultMetadata === true,
  };
  return onConnection(context, body, async (connection, run) => {
    const [result, fieldSets] = await context.backend.run(connection, request.sql, run);
    const [rows, fields] = firstResultSet(result, fieldSets);
    if (!rows || !fields) return limited(context, stringifyExact(updateResult(result)));
    return resultSet(context, request, rows, fields);
  });
}

async function resultSet(context: OperationContext, request: ExecuteRequest, rows: unknown[][], fields: FieldPacket[]): Promise<string> {
  const json = await context.backend.jsonColumns.find(fields, () => context.backend.isMariaDb());
  const readers = fields.map((field, i) => fieldReader(field, request.resultSetOptions, { json: json.has(i) }));
  const records: Field[][] = rows.map((row) => row.map((value, i) => readers[i]!(value)));
  if (request.asJson) return formattedRecords(context, records, fields);
  const out: Json = { records, numberOfRecordsUpdated: 0 };
  if (request.withMetadata) out.columnMetadata = fields.map((field, i) => columnMetadata(field, { json: json.has(i) }));
  return limited(context, stringifyExact(out));
}

/** formatRecordsAs JSON: the records as one JSON text of objects, under its own limit (10 MB, not 1 MiB). */
function formattedRecords(context: OperationContext, records: Field[][], fields: FieldPacket[]): string {
  const labels = fields.map((field) => field.name);
  if (new Set(labels).size !== labels.length) {
    throw dataApiError('BadRequestException', 'The result set contains duplicate column names; give each column a distinct alias to use formatRecordsAs JSON.');
  }
  const objects = records.map((record) => Object.fromEntries(record.map((field, i) => [labels[i], fieldToJson(field)])));
  const text = stringifyExact(objects);
  if (Buffer.byteLength(text) > context.config.maxFormattedRecordsBytes) throw responseTooLarge();
  return stringifyExact({ formattedRecords: text, numberOfRecordsUpdated: 0 });
}

function updateResult(result: unknown): Json {
  const header = (Array.isArray(result) ? result.find((r) => !Array.isArray(r)) : result) as ResultSetHeader | undefined;
  const insertId = Number(header?.insertId ?? 0);
  return { generatedFields: insertId ? [{ longValue: insertId }] : [], numberOfRecordsUpdated: header?.affectedRows ?? 0 };
}

/** The first result set of a statement (a CALL can answer several), or none for DML and DDL. */
function firstResultSet(result: unknown, fieldSets: QueryResult[1]): [unknown[][] | undefined, FieldPacket[] | undefined] {
  if (!Array.isArray(result) || !fieldSets) return [undefined, undefined];
  if (Array.isArray(fieldSets[0])) {
    const index = (fieldSets as FieldPacket[][]).findIndex((set) => Array.isArray(set));
    return index === -1 ? [undefined, undefined] : [result[index] as unknown[][], (fieldSets as FieldPacket[][])[index]];
  }
  return [result as unknown[][], fieldSets as FieldPacket[]];
}
