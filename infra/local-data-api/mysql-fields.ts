import type { FieldPacket } from 'mysql2';

/**
 * MySQL result values to Data API `Field`s and `columnMetadata`, as Aurora MySQL's Data API maps
 * them (../shared/DATA-API.md, "Types").
 */

export type Field =
  | { isNull: true }
  | { booleanValue: boolean }
  | { longValue: number }
  | { doubleValue: number }
  | { stringValue: string }
  | { blobValue: string };

export interface ResultSetOptions {
  decimalReturnType?: 'STRING' | 'DOUBLE_OR_LONG';
  longReturnType?: 'STRING' | 'LONG';
}

// mysql2 column type codes (protocol constants).
const T = {
  DECIMAL: 0, TINY: 1, SHORT: 2, LONG: 3, FLOAT: 4, DOUBLE: 5, NULL: 6, TIMESTAMP: 7, LONGLONG: 8, INT24: 9,
  DATE: 10, TIME: 11, DATETIME: 12, YEAR: 13, NEWDATE: 14, VARCHAR: 15, BIT: 16, JSON: 245, NEWDECIMAL: 246,
  ENUM: 247, SET: 248, TINY_BLOB: 249, MEDIUM_BLOB: 250, LONG_BLOB: 251, BLOB: 252, VAR_STRING: 253, STRING: 254, GEOMETRY: 255,
} as const;
const FLAG = { NOT_NULL: 1, PRI_KEY: 2, UNSIGNED: 32, BINARY: 128, ENUM: 256, AUTO_INCREMENT: 512, SET: 2048 } as const;
const BINARY_CHARSET = 63;

type Kind = 'boolean' | 'long' | 'double' | 'decimal' | 'string' | 'blob';

interface ColumnInfo {
  kind: Kind;
  jdbcType: number;
  typeName: string;
}

function columnInfo(field: FieldPacket): ColumnInfo {
  const type = field.columnType ?? (field as { type?: number }).type ?? T.VAR_STRING;
  const flags = Number(field.flags ?? 0);
  const length = field.columnLength ?? 0;
  const unsigned = flags & FLAG.UNSIGNED ? ' UNSIGNED' : '';
  const binary = field.characterSet === BINARY_CHARSET;
  switch (type) {
    case T.TINY:
      return length === 1 ? { kind: 'boolean', jdbcType: -7, typeName: 'BIT' } : { kind: 'long', jdbcType: -6, typeName: `TINYINT${unsigned}` };
    case T.SHORT:
      return { kind: 'long', jdbcType: 5, typeName: `SMALLINT${unsigned}` };
    case T.INT24:
      return { kind: 'long', jdbcType: 4, typeName: `MEDIUMINT${unsigned}` };
    case T.LONG:
      return { kind: 'long', jdbcType: 4, typeName: `INT${unsigned}` };
    case T.LONGLONG:
      return { kind: 'long', jdbcType: -5, typeName: `BIGINT${unsigned}` };
    case T.YEAR:
      return { kind: 'long', jdbcType: 91, typeName: 'YEAR' };
    case T.FLOAT:
      return { kind: 'double', jdbcType: 7, typeName: 'FLOAT' };
    case T.DOUBLE:
      return { kind: 'double', jdbcType: 8, typeName: 'DOUBLE' };
    case T.DECIMAL:
    case T.NEWDECIMAL:
      return { kind: 'decimal', jdbcType: 3, typeName: `DECIMAL${unsigned}` };
    case T.BIT:
      return length === 1 ? { kind: 'boolean', jdbcType: -7, typeName: 'BIT' } : { kind: 'long', jdbcType: -7, typeName: 'BIT' };
    case T.DATE:
    case T.NEWDATE:
      return { kind: 'string', jdbcType: 91, typeName: 'DATE' };
    case T.TIME:
      return { kind: 'string', jdbcType: 92, typeName: 'TIME' };
    case T.DATETIME:
      return { kind: 'string', jdbcType: 93, typeName: 'DATETIME' };
    case T.TIMESTAMP:
      return { kind: 'string', jdbcType: 93, typeName: 'TIMESTAMP' };
    case T.JSON:
      return { kind: 'string', jdbcType: -1, typeName: 'JSON' };
    case T.TINY_BLOB:
    case T.MEDIUM_BLOB:
    case T.LONG_BLOB:
    case T.BLOB:
      return binary ? { kind: 'blob', jdbcType: -4, typeName: 'BLOB' } : { kind: 'string', jdbcType: -1, typeName: 'TEXT' };
    case T.GEOMETRY:
      return { kind: 'blob', jdbcType: -2, typeName: 'GEOMETRY' };
    default:
      if (flags & FLAG.ENUM) return { kind: 'string', jdbcType: 1, typeName: 'ENUM' };
      if (flags & FLAG.SET) return { kind: 'string', jdbcType: 1, typeName: 'SET' };
      if (binary) return { kind: 'blob', jdbcType: type === T.STRING ? -2 : -3, typeName: type === T.STRING ? 'BINARY' : 'VARBINARY' };
      return type === T.STRING ? { kind: 'string', jdbcType: 1, typeName: 'CHAR' } : { kind: 'string', jdbcType: 12, typeName: 'VARCHAR' };
  }
}

/** A column reader: converts one value of this column to a Field. Built once per result set. */
export type FieldReader = (value: unknown) => Field;

export function fieldReader(field: FieldPacket, options: ResultSetOptions = {}): FieldReader {
  const { kind } = columnInfo(field);
  const scale = field.decimals ?? 0;
  return (value) => {
    if (value === null || value === undefined) return { isNull: true };
    switch (kind) {
      case 'boolean':
        return { booleanValue: Buffer.isBuffer(value) ? value.some((byte) => byte !== 0) : Number(value) !== 0 };
      case 'long': {
        const n = Buffer.isBuffer(value) ? Number(value.readUIntBE(0, Math.min(value.length, 6))) : value;
        return options.longReturnType === 'STRING' ? { stringValue: String(n) } : { longValue: Number(n) };
      }
      case 'double':
        return { doubleValue: Number(value) };
      case 'decimal':
        if (options.decimalReturnType === 'DOUBLE_OR_LONG') {
          return scale === 0 ? { longValue: Number(value) } : { doubleValue: Number(value) };
        }
        return { stringValue: String(value) };
      case 'blob':
        return { blobValue: (Buffer.isBuffer(value) ? value : Buffer.from(String(value))).toString('base64') };
      default:
        return { stringValue: Buffer.isBuffer(value) ? value.toString('utf8') : String(value) };
    }
  };
}

/** The JSON form of one Field, for `formatRecordsAs: JSON`. */
export function fieldToJson(field: Field): unknown {
  if ('isNull' in field) return null;
  if ('booleanValue' in field) return field.booleanValue;
  if ('longValue' in field) return field.longValue;
  if ('doubleValue' in field) return field.doubleValue;
  if ('blobValue' in field) return field.blobValue;
  return field.stringValue;
}

export function columnMetadata(field: FieldPacket) {
  const info = columnInfo(field);
  const flags = Number(field.flags ?? 0);
  return {
    name: field.orgName || field.name,
    label: field.name,
    type: info.jdbcType,
    typeName: info.typeName,
    schemaName: field.db ?? '',
    tableName: field.orgTable || field.table || '',
    isAutoIncrement: Boolean(flags & FLAG.AUTO_INCREMENT),
    isSigned: (info.kind === 'long' || info.kind === 'double' || info.kind === 'decimal') && !(flags & FLAG.UNSIGNED),
    isCurrency: false,
    isCaseSensitive: info.kind === 'blob' || Boolean(flags & FLAG.BINARY),
    nullable: flags & FLAG.NOT_NULL ? 0 : 1,
    precision: field.columnLength ?? 0,
    scale: field.decimals ?? 0,
    arrayBaseColumnType: 0,
  };
}
