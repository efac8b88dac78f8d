import type { Field, SqlParameter } from '@aws-sdk/client-rds-data';
import type { SqlParams, SqlValue } from '../sql-executor.js';

/** JS values to Data API parameters. Arrays are not supported by the Data API, so neither here. */
export function toSqlParameters(params: SqlParams = {}): SqlParameter[] {
  return Object.entries(params).map(([name, value]) => ({ name, value: toField(value) }));
}

export function toField(value: SqlValue): Field {
  if (value === null) return { isNull: true };
  if (typeof value === 'boolean') return { booleanValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { longValue: value } : { doubleValue: value };
  return { stringValue: value };
}

export function fromField(field: Field): SqlValue {
  if (field.isNull) return null;
  if (field.stringValue !== undefined) return field.stringValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue).toString('base64');
  throw new Error(`unsupported Data API field: ${Object.keys(field).join(',')}`);
}
