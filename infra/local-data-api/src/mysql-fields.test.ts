import type { FieldPacket } from 'mysql2';
import { describe, expect, it } from 'vitest';
import { BigLong, columnInfo, columnMetadata, fieldReader, fieldToJson, maxBytesPerChar, stringifyExact } from './mysql-fields.js';

// Column definitions as MariaDB/MySQL send them (type, length in bytes, flags, collation id).
const UTF8MB4_GENERAL_CI = 45;
const UTF8MB4_BIN = 46;
const UTF8MB4_UNICODE_CI = 224;
const BINARY = 63;
const F = { NOT_NULL: 1, PRI_KEY: 2, BLOB: 16, UNSIGNED: 32, BINARY: 128, ENUM: 256, AUTO_INCREMENT: 512, SET: 2048 };

type Over = { name?: string; orgName?: string; table?: string; orgTable?: string; characterSet?: number; decimals?: number; flags?: number };

function field(columnType: number, columnLength: number, over: Over = {}): FieldPacket {
  return {
    name: 'c',
    orgName: 'c',
    table: 't',
    orgTable: 't',
    db: 'd',
    catalog: 'def',
    characterSet: BINARY,
    decimals: 0,
    flags: 0,
    columnType,
    columnLength,
    ...over,
  } as unknown as FieldPacket;
}

describe('columnInfo: typeName and JDBC type as Aurora MySQL reports them', () => {
  it.each<[string, FieldPacket, string, number, string]>([
    ['INT UNSIGNED (recorded)', field(3, 10, { flags: F.UNSIGNED }), 'INT UNSIGNED', 4, 'long'],
    ['INT', field(3, 11), 'INT', 4, 'long'],
    ['TINYINT', field(1, 4), 'TINYINT', -6, 'long'],
    ['TINYINT(1)', field(1, 1), 'BIT', -7, 'boolean'],
    ['SMALLINT UNSIGNED', field(2, 5, { flags: F.UNSIGNED }), 'SMALLINT UNSIGNED', 5, 'long'],
    ['MEDIUMINT', field(9, 9), 'MEDIUMINT', 4, 'long'],
    ['BIGINT', field(8, 20), 'BIGINT', -5, 'long'],
    ['FLOAT', field(4, 12, { decimals: 31 }), 'FLOAT', 7, 'double'],
    ['DOUBLE', field(5, 22, { decimals: 31 }), 'DOUBLE', 8, 'double'],
    ['DECIMAL', field(246, 12, { decimals: 4 }), 'DECIMAL', 3, 'decimal'],
    ['BIT(1)', field(16, 1, { flags: F.UNSIGNED }), 'BIT', -7, 'boolean'],
    ['BIT(8)', field(16, 8, { flags: F.UNSIGNED }), 'BIT', -7, 'boolean'],
    ['VARCHAR (recorded)', field(253, 400, { characterSet: UTF8MB4_UNICODE_CI }), 'VARCHAR', 12, 'string'],
    ['CHAR', field(254, 40, { characterSet: UTF8MB4_UNICODE_CI }), 'CHAR', 1, 'string'],
    ['ENUM', field(254, 24, { characterSet: UTF8MB4_UNICODE_CI, flags: F.ENUM }), 'ENUM', 1, 'string'],
    ['SET', field(254, 24, { characterSet: UTF8MB4_UNICODE_CI, flags: F.SET }), 'SET', 1, 'string'],
    ['TINYTEXT', field(252, 1020, { characterSet: UTF8MB4_UNICODE_CI, flags: F.BLOB }), 'TINYTEXT', 12, 'string'],
    ['TEXT', field(252, 262140, { characterSet: UTF8MB4_UNICODE_CI, flags: F.BLOB }), 'TEXT', -1, 'string'],
    ['MEDIUMTEXT', field(252, 67108860, { characterSet: UTF8MB4_UNICODE_CI, flags: F.BLOB }), 'MEDIUMTEXT', -1, 'string'],
    ['LONGTEXT', field(252, 4294967295, { characterSet: UTF8MB4_UNICODE_CI, flags: F.BLOB }), 'LONGTEXT', -1, 'string'],
    ['BINARY', field(254, 4, { flags: F.BINARY }), 'BINARY', -2, 'blob'],
    ['VARBINARY', field(253, 20, { flags: F.BINARY }), 'VARBINARY', -3, 'blob'],
    ['TINYBLOB', field(252, 255, { flags: F.BLOB | F.BINARY }), 'TINYBLOB', -3, 'blob'],
    ['BLOB', field(252, 65535, { flags: F.BLOB | F.BINARY }), 'BLOB', -4, 'blob'],
    ['LONGBLOB', field(252, 4294967295, { flags: F.BLOB | F.BINARY }), 'LONGBLOB', -4, 'blob'],
    ['DATE', field(10, 10), 'DATE', 91, 'string'],
    ['TIME', field(11, 10), 'TIME', 92, 'string'],
    ['DATETIME', field(12, 19), 'DATETIME', 93, 'string'],
    ['TIMESTAMP (recorded)', field(7, 19), 'TIMESTAMP', 93, 'string'],
    ['YEAR', field(13, 4, { flags: F.UNSIGNED }), 'YEAR', 91, 'string'],
    ['JSON (MySQL 8)', field(245, 4294967295, { characterSet: UTF8MB4_BIN }), 'JSON', -1, 'string'],
    ['NULL', field(6, 0), 'NULL', 0, 'string'],
  ])('%s', (_name, f, typeName, jdbcType, kind) => {
    expect(columnInfo(f)).toEqual({ typeName, jdbcType, kind });
  });

  it('reports a MariaDB JSON column (LONGTEXT utf8mb4_bin) as JSON when told it is one', () => {
    const json = field(252, 4294967295, { characterSet: UTF8MB4_BIN, flags: F.BLOB | F.BINARY });
    expect(columnInfo(json).typeName).toBe('LONGTEXT');
    expect(columnInfo(json, { json: true })).toEqual({ kind: 'string', jdbcType: -1, typeName: 'JSON' });
  });
});

describe('columnMetadata', () => {
  it('answers the recorded INT UNSIGNED AUTO_INCREMENT id column', () => {
    expect(
      columnMetadata(field(3, 10, { name: 'id', orgName: 'id', orgTable: 'cats', flags: F.NOT_NULL | F.PRI_KEY | F.UNSIGNED | F.AUTO_INCREMENT })),
    ).toEqual({
      arrayBaseColumnType: 0,
      isAutoIncrement: true,
      isCaseSensitive: false,
      isCurrency: false,
      isSigned: false,
      label: 'id',
      name: 'id',
      nullable: 0,
      precision: 10,
      scale: 0,
      schemaName: '',
      tableName: 'cats',
      type: 4,
      typeName: 'INT UNSIGNED',
    });
  });

  it('answers precision in characters for strings, declared precision and scale for DECIMAL', () => {
    expect(columnMetadata(field(253, 400, { characterSet: UTF8MB4_GENERAL_CI })).precision).toBe(100);
    expect(columnMetadata(field(253, 300, { characterSet: 33 })).precision).toBe(100);
    expect(columnMetadata(field(246, 12, { decimals: 4 }))).toMatchObject({ precision: 10, scale: 4, isSigned: true });
    expect(columnMetadata(field(246, 11, { decimals: 4, flags: F.UNSIGNED }))).toMatchObject({ precision: 10, scale: 4, isSigned: false });
    expect(columnMetadata(field(246, 11, { decimals: 0 }))).toMatchObject({ precision: 10, scale: 0 });
    expect(columnMetadata(field(4, 12, { decimals: 31 })).scale).toBe(0);
    expect(columnMetadata(field(12, 23, { decimals: 3 })).scale).toBe(3);
  });

  it('uses the alias as label and the column as name, and no table for expressions', () => {
    expect(columnMetadata(field(253, 400, { name: 'n', orgName: 'name', characterSet: UTF8MB4_GENERAL_CI }))).toMatchObject({ label: 'n', name: 'name' });
    expect(columnMetadata(field(3, 1, { name: 'one', orgName: '', orgTable: '', table: '' }))).toMatchObject({ label: 'one', name: 'one', tableName: '' });
  });

  it('is case sensitive for binary data and _bin collations, not for _ci collations', () => {
    expect(columnMetadata(field(252, 65535, { flags: F.BLOB | F.BINARY })).isCaseSensitive).toBe(true);
    expect(columnMetadata(field(253, 400, { characterSet: UTF8MB4_BIN, flags: F.BINARY })).isCaseSensitive).toBe(true);
    expect(columnMetadata(field(253, 400, { characterSet: UTF8MB4_UNICODE_CI })).isCaseSensitive).toBe(false);
    expect(columnMetadata(field(7, 19)).isCaseSensitive).toBe(false);
  });

  it('knows the bytes per character of common collations', () => {
    expect([maxBytesPerChar(UTF8MB4_UNICODE_CI), maxBytesPerChar(33), maxBytesPerChar(8), maxBytesPerChar(BINARY)]).toEqual([4, 3, 1, 1]);
  });
});

describe('fieldReader', () => {
  it.each<[string, FieldPacket, unknown, unknown]>([
    ['NULL of any type', field(3, 11), null, { isNull: true }],
    ['an INT', field(3, 11), -7, { longValue: -7 }],
    ['a BIGINT given as a string', field(8, 20), '9007199254740991', { longValue: 9007199254740991 }],
    ['a BIGINT past 2^53, kept exact', field(8, 20), '9007199254740993', { longValue: new BigLong('9007199254740993') }],
    ['TINYINT(1) 0', field(1, 1), 0, { booleanValue: false }],
    ['TINYINT(1) 1', field(1, 1), 1, { booleanValue: true }],
    ['BIT(1) 1', field(16, 1), Buffer.from([1]), { booleanValue: true }],
    ['BIT(8) 0', field(16, 8), Buffer.from([0]), { booleanValue: false }],
    ['FLOAT', field(4, 12, { decimals: 31 }), 3.14159, { doubleValue: 3.14159 }],
    ['DECIMAL, a string (recorded)', field(246, 12, { decimals: 4 }), '123456.7890', { stringValue: '123456.7890' }],
    ['a DATETIME, no zone (recorded)', field(12, 19), '2019-11-12 22:00:11', { stringValue: '2019-11-12 22:00:11' }],
    ['YEAR', field(13, 4), 2024, { stringValue: '2024' }],
    ['a BLOB, base64', field(252, 65535, { flags: F.BLOB | F.BINARY }), Buffer.from('hi'), { blobValue: 'aGk=' }],
    ['TEXT', field(252, 262140, { characterSet: UTF8MB4_UNICODE_CI }), 'text', { stringValue: 'text' }],
  ])('reads %s', (_name, f, value, expected) => {
    expect(fieldReader(f)(value)).toEqual(expected);
  });

  it('answers DECIMAL as a long (scale 0) or a double with DOUBLE_OR_LONG', () => {
    const options = { decimalReturnType: 'DOUBLE_OR_LONG' } as const;
    expect(fieldReader(field(246, 12, { decimals: 2 }), options)('12.50')).toEqual({ doubleValue: 12.5 });
    expect(fieldReader(field(246, 11, { decimals: 0 }), options)('42')).toEqual({ longValue: 42 });
  });

  it('answers integers as strings with longReturnType STRING', () => {
    expect(fieldReader(field(8, 20), { longReturnType: 'STRING' })('9007199254740993')).toEqual({ stringValue: '9007199254740993' });
    expect(fieldReader(field(3, 11), { longReturnType: 'STRING' })(5)).toEqual({ stringValue: '5' });
  });
});

describe('JSON output', () => {
  it('writes longs past 2^53 as exact bare numbers, and leaves look-alike strings alone', () => {
    const text = stringifyExact({ records: [[{ longValue: new BigLong('-9223372036854775808') }, { stringValue: '~long~x~1~long~x~' }]] });
    expect(text).toBe('{"records":[[{"longValue":-9223372036854775808},{"stringValue":"~long~x~1~long~x~"}]]}');
  });

  it('maps Fields to formattedRecords values', () => {
    expect(
      [{ isNull: true }, { booleanValue: true }, { longValue: 3 }, { doubleValue: 1.5 }, { stringValue: 's' }, { blobValue: 'aGk=' }].map((f) =>
        fieldToJson(f as never),
      ),
    ).toEqual([null, true, 3, 1.5, 's', 'aGk=']);
  });
});
