import type { FieldPacket } from 'mysql2';
import mysql from 'mysql2';

/**
 * MySQL result columns to Data API `Field`s and `columnMetadata`, as Aurora MySQL's Data API maps
 * them (a JDBC driver underneath: JDBC type codes, JDBC type names, precision in characters).
 * Checked against real responses recorded in jeremydaly/data-api-client (fixtures/*.json).
 */

export type Field =
  | { isNull: true }
  | { booleanValue: boolean }
  | { longValue: number | BigLong }
  | { doubleValue: number }
  | { stringValue: string }
  | { blobValue: string };

export interface ResultSetOptions {
  decimalReturnType?: 'STRING' | 'DOUBLE_OR_LONG';
  longReturnType?: 'STRING' | 'LONG';
}

/**
 * An integer past 2^53, kept exact: it serializes to its digits, unquoted, in the response JSON
 * (see `stringifyExact`), as a Java `long` does on AWS.
 */
export class BigLong {
  constructor(readonly digits: string) {}
  toJSON(): string {
    return `${BIG_MARK}${this.digits}${BIG_MARK}`;
  }
}
const BIG_MARK = `~long~${Math.random().toString(36).slice(2, 12)}~`;
const BIG_PATTERN = new RegExp(`"${BIG_MARK}(-?\\d+)${BIG_MARK}"`, 'g');

/** JSON.stringify, with BigLong values written as bare integers. */
export function stringifyExact(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes(BIG_MARK) ? text.replace(BIG_PATTERN, '$1') : text;
}

// MySQL protocol column types and flags.
const T = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  NEWDATE: 14,
  VARCHAR: 15,
  BIT: 16,
  JSON: 245,
  NEWDECIMAL: 246,
  ENUM: 247,
  SET: 248,
  TINY_BLOB: 249,
  MEDIUM_BLOB: 250,
  LONG_BLOB: 251,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
  GEOMETRY: 255,
} as const;
const FLAG = { NOT_NULL: 1, PRI_KEY: 2, BLOB: 16, UNSIGNED: 32, BINARY: 128, ENUM: 256, AUTO_INCREMENT: 512, SET: 2048 } as const;
const BINARY_CHARSET = 63;
const NOT_FIXED_DEC = 31;
const INT_MAX = 2_147_483_647;

type Kind = 'boolean' | 'long' | 'double' | 'decimal' | 'string' | 'blob';

export interface ColumnInfo {
  kind: Kind;
  /** java.sql.Types code. */
  jdbcType: number;
  typeName: string;
}

/** Column facts a caller knows better than the protocol (MariaDB sends JSON columns as LONGTEXT). */
export interface ColumnHints {
  json?: boolean;
}

function columnType(field: FieldPacket): number {
  return field.columnType ?? (field as { type?: number }).type ?? T.VAR_STRING;
}

function isBinary(field: FieldPacket): boolean {
  return field.characterSet === BINARY_CHARSET;
}

/** Could this column be a MariaDB JSON column (LONGTEXT, utf8mb4_bin, from a table)? */
export function maybeMariaDbJson(field: FieldPacket): boolean {
  const type = columnType(field);
  return (
    (type === T.BLOB || type === T.LONG_BLOB) &&
    !isBinary(field) &&
    (field.columnLength ?? 0) >= 4_294_967_295 &&
    (Number(field.flags ?? 0) & FLAG.BINARY) !== 0 &&
    Boolean(field.orgTable) &&
    Boolean(field.orgName)
  );
}

export function columnInfo(field: FieldPacket, hints: ColumnHints = {}): ColumnInfo {
  const type = columnType(field);
  const flags = Number(field.flags ?? 0);
  const unsigned = flags & FLAG.UNSIGNED ? ' UNSIGNED' : '';
  const binary = isBinary(field);
  if (hints.json || type === T.JSON) return { kind: 'string', jdbcType: -1, typeName: 'JSON' };
  switch (type) {
    case T.TINY:
      // TINYINT(1) is a BIT to JDBC (tinyInt1isBit) and a boolean to the Data API.
      return field.columnLength === 1 ? { kind: 'boolean', jdbcType: -7, typeName: 'BIT' } : { kind: 'long', jdbcType: -6, typeName: `TINYINT${unsigned}` };
    case T.SHORT:
      return { kind: 'long', jdbcType: 5, typeName: `SMALLINT${unsigned}` };
    case T.INT24:
      return { kind: 'long', jdbcType: 4, typeName: `MEDIUMINT${unsigned}` };
    case T.LONG:
      return { kind: 'long', jdbcType: 4, typeName: `INT${unsigned}` };
    case T.LONGLONG:
      return { kind: 'long', jdbcType: -5, typeName: `BIGINT${unsigned}` };
    case T.FLOAT:
      return { kind: 'double', jdbcType: 7, typeName: `FLOAT${unsigned}` };
    case T.DOUBLE:
      return { kind: 'double', jdbcType: 8, typeName: `DOUBLE${unsigned}` };
    case T.DECIMAL:
    case T.NEWDECIMAL:
      return { kind: 'decimal', jdbcType: 3, typeName: `DECIMAL${unsigned}` };
    case T.BIT:
      return { kind: 'boolean', jdbcType: -7, typeName: 'BIT' };
    case T.YEAR:
      return { kind: 'string', jdbcType: 91, typeName: 'YEAR' };
    case T.DATE:
    case T.NEWDATE:
      return { kind: 'string', jdbcType: 91, typeName: 'DATE' };
    case T.TIME:
      return { kind: 'string', jdbcType: 92, typeName: 'TIME' };
    case T.DATETIME:
      return { kind: 'string', jdbcType: 93, typeName: 'DATETIME' };
    case T.TIMESTAMP:
      return { kind: 'string', jdbcType: 93, typeName: 'TIMESTAMP' };
    case T.NULL:
      return { kind: 'string', jdbcType: 0, typeName: 'NULL' };
    case T.GEOMETRY:
      return { kind: 'blob', jdbcType: -2, typeName: 'GEOMETRY' };
    case T.TINY_BLOB:
    case T.MEDIUM_BLOB:
    case T.LONG_BLOB:
    case T.BLOB: {
      const size = binary ? clamp(field.columnLength) : Math.floor(clamp(field.columnLength) / maxBytesPerChar(field.characterSet));
      const prefix = size <= 255 ? 'TINY' : size <= 65_535 ? '' : size <= 16_777_215 ? 'MEDIUM' : 'LONG';
      if (binary) return { kind: 'blob', jdbcType: prefix === 'TINY' ? -3 : -4, typeName: `${prefix}BLOB` };
      return { kind: 'string', jdbcType: prefix === 'TINY' ? 12 : -1, typeName: `${prefix}TEXT` };
    }
    default:
      if (flags & FLAG.ENUM || type === T.ENUM) return { kind: 'string', jdbcType: 1, typeName: 'ENUM' };
      if (flags & FLAG.SET || type === T.SET) return { kind: 'string', jdbcType: 1, typeName: 'SET' };
      if (type === T.STRING) return binary ? { kind: 'blob', jdbcType: -2, typeName: 'BINARY' } : { kind: 'string', jdbcType: 1, typeName: 'CHAR' };
      return binary ? { kind: 'blob', jdbcType: -3, typeName: 'VARBINARY' } : { kind: 'string', jdbcType: 12, typeName: 'VARCHAR' };
  }
}

/** A column reader: converts one value of this column (as mysql2's text protocol gives it) to a Field. */
export type FieldReader = (value: unknown) => Field;

export function fieldReader(field: FieldPacket, options: ResultSetOptions = {}, hints: ColumnHints = {}): FieldReader {
  const { kind } = columnInfo(field, hints);
  const scale = field.decimals ?? 0;
  const longAsString = options.longReturnType === 'STRING';
  return (value) => {
    if (value === null || value === undefined) return { isNull: true };
    switch (kind) {
      case 'boolean':
        return { booleanValue: Buffer.isBuffer(value) ? value.some((byte) => byte !== 0) : Number(value) !== 0 };
      case 'long': {
        const text = Buffer.isBuffer(value) ? BigInt(`0x${value.toString('hex') || '0'}`).toString() : String(value);
        return longAsString ? { stringValue: text } : { longValue: exactLong(text) };
      }
      case 'double':
        return { doubleValue: Number(value) };
      case 'decimal':
        if (options.decimalReturnType === 'DOUBLE_OR_LONG') {
          return scale === 0 ? { longValue: exactLong(String(value)) } : { doubleValue: Number(value) };
        }
        return { stringValue: String(value) };
      case 'blob':
        return { blobValue: (Buffer.isBuffer(value) ? value : Buffer.from(String(value))).toString('base64') };
      default:
        return { stringValue: Buffer.isBuffer(value) ? value.toString('utf8') : String(value) };
    }
  };
}

function exactLong(text: string): number | BigLong {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : new BigLong(BigInt(text).toString());
}

/** The JSON form of one Field, for `formatRecordsAs: JSON` (User Guide, data-api-json). */
export function fieldToJson(field: Field): unknown {
  if ('isNull' in field) return null;
  if ('booleanValue' in field) return field.booleanValue;
  if ('longValue' in field) return field.longValue;
  if ('doubleValue' in field) return field.doubleValue;
  if ('blobValue' in field) return field.blobValue;
  return field.stringValue;
}

export interface ColumnMetadata {
  name: string;
  label: string;
  type: number;
  typeName: string;
  schemaName: string;
  tableName: string;
  isAutoIncrement: boolean;
  isSigned: boolean;
  isCurrency: boolean;
  isCaseSensitive: boolean;
  nullable: number;
  precision: number;
  scale: number;
  arrayBaseColumnType: number;
}

export function columnMetadata(field: FieldPacket, hints: ColumnHints = {}): ColumnMetadata {
  const info = columnInfo(field, hints);
  const flags = Number(field.flags ?? 0);
  const unsigned = (flags & FLAG.UNSIGNED) !== 0;
  const numeric = info.kind === 'long' || info.kind === 'double' || info.kind === 'decimal';
  const decimals = field.decimals ?? 0;
  let precision = clamp(field.columnLength);
  let scale = 0;
  if (info.kind === 'decimal') {
    scale = decimals;
    precision = precision - (decimals > 0 ? 1 : 0) - (unsigned ? 0 : 1);
  } else if (info.kind === 'double') {
    scale = decimals < NOT_FIXED_DEC ? decimals : 0;
  } else if (info.jdbcType === 92 || info.jdbcType === 93) {
    scale = decimals < NOT_FIXED_DEC ? decimals : 0;
  } else if (!isBinary(field) && (info.kind === 'string' || info.kind === 'blob')) {
    precision = Math.floor(precision / maxBytesPerChar(field.characterSet));
  }
  return {
    name: field.orgName || field.name,
    label: field.name,
    type: info.jdbcType,
    typeName: info.typeName,
    // MySQL has catalogs, not schemas: JDBC and the Data API answer "" (recorded responses).
    schemaName: '',
    tableName: field.orgTable || '',
    isAutoIncrement: (flags & FLAG.AUTO_INCREMENT) !== 0,
    isSigned: numeric && !unsigned,
    isCurrency: false,
    isCaseSensitive:
      info.kind === 'blob' ||
      (info.kind === 'string' &&
        info.typeName !== 'NULL' &&
        info.jdbcType !== 91 &&
        info.jdbcType !== 92 &&
        info.jdbcType !== 93 &&
        caseSensitiveCollation(field)),
    nullable: flags & FLAG.NOT_NULL ? 0 : 1,
    precision,
    scale,
    arrayBaseColumnType: 0,
  };
}

function clamp(length: number | undefined): number {
  return Math.min(length ?? 0, INT_MAX);
}

function caseSensitiveCollation(field: FieldPacket): boolean {
  const name = collationName(field.characterSet);
  if (name) return !name.endsWith('_CI');
  return (Number(field.flags ?? 0) & FLAG.BINARY) !== 0;
}

let collations: Map<number, string> | undefined;

function collationName(id: number | undefined): string | undefined {
  if (id === undefined) return undefined;
  if (!collations) {
    collations = new Map();
    for (const [name, value] of Object.entries(mysql.Charsets as unknown as Record<string, number>)) {
      // The table lists aliases too (UTF8MB4 = UTF8MB4_GENERAL_CI): keep the full collation names.
      if (name.includes('_') && !collations.has(value)) collations.set(value, name);
    }
  }
  return collations.get(id);
}

/** Bytes per character of a collation's character set (MySQL reports string lengths in bytes). */
export function maxBytesPerChar(id: number | undefined): number {
  if (id === BINARY_CHARSET) return 1;
  // Unknown ids (MariaDB's own collations, e.g. utf8mb4_uca1400_*) are most likely utf8mb4.
  const name = collationName(id) ?? 'UTF8MB4';
  if (name.startsWith('UTF8MB4') || name.startsWith('UTF16') || name.startsWith('UTF32') || name.startsWith('GB18030')) return 4;
  if (name.startsWith('UTF8') || name.startsWith('UJIS') || name.startsWith('EUCJPMS')) return 3;
  if (/^(UCS2|SJIS|BIG5|GBK|GB2312|EUCKR|CP932)/.test(name)) return 2;
  return 1;
}
