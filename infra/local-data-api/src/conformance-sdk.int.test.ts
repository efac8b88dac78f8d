import {
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteSqlCommand,
  ExecuteStatementCommand,
  RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalDataApi } from './server.js';
import {
  closeDirect,
  direct,
  rawCall,
  rejectionOf,
  sdkClient,
  startServer,
  TYPE_COLUMNS,
  TYPE_ROW_FIELDS,
  TYPE_ROW_SQL,
  target,
  typesTableDdl,
  uniqueTable,
} from './test-support.js';

// Conformance, client 1 of 3: @aws-sdk/client-rds-data, the client everything else builds on.
// Expected values are those of real Aurora MySQL responses recorded in jeremydaly/data-api-client.

let server: LocalDataApi;
let client: RDSDataClient;
let t: ReturnType<typeof target>;
const types = uniqueTable('conf_sdk_types');
const cats = uniqueTable('conf_sdk_cats');

beforeAll(async () => {
  server = await startServer();
  client = sdkClient(server);
  t = target(server);
  await direct().query(typesTableDdl(types));
  await direct().query(TYPE_ROW_SQL(types));
  await direct().query(`CREATE TABLE \`${cats}\` (
    id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(100),
    description VARCHAR(255),
    created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    modified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    deleted TIMESTAMP NULL DEFAULT NULL
  ) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
});

afterAll(async () => {
  await direct().query(`DROP TABLE IF EXISTS \`${types}\`, \`${cats}\``);
  client?.destroy();
  await server?.close();
  await closeDirect();
});

const run = (sql: string, extra: Record<string, unknown> = {}) => client.send(new ExecuteStatementCommand({ ...t, sql, ...extra }));

describe('selects of every type', () => {
  it('maps each MySQL type to its Field', async () => {
    const out = await run(`SELECT * FROM \`${types}\``);
    expect(out.records).toHaveLength(1);
    const [id, ...rest] = out.records![0]!;
    expect(id!.longValue).toBeGreaterThan(0);
    const byColumn = Object.fromEntries(TYPE_ROW_FIELDS.map(([name], i) => [name, rest[i]]));
    for (const [name, expected] of TYPE_ROW_FIELDS) {
      const actual = byColumn[name]!;
      if ('blobValue' in expected) {
        expect(Buffer.from(actual.blobValue!).toString('base64'), name).toBe(expected.blobValue);
      } else if (name === 'float_col') {
        expect(actual.doubleValue, name).toBeCloseTo(3.14159, 5);
      } else {
        expect(actual, name).toEqual(expected);
      }
    }
    expect(out.numberOfRecordsUpdated).toBe(0);
    expect(out.columnMetadata).toBeUndefined();
    expect(out.generatedFields).toBeUndefined();
  });

  it('describes each column as JDBC does when includeResultMetadata is set', async () => {
    const out = await run(`SELECT * FROM \`${types}\``, { includeResultMetadata: true });
    const meta = out.columnMetadata!;
    expect(meta.map((c) => [c.name, c.typeName, c.type])).toEqual(TYPE_COLUMNS);
    for (const column of meta) {
      expect(column.label).toBe(column.name);
      expect(column.tableName).toBe(types);
      expect(column.schemaName).toBe('');
      expect(column.arrayBaseColumnType).toBe(0);
      expect(column.isCurrency).toBe(false);
    }
    const by = Object.fromEntries(meta.map((c) => [c.name, c]));
    expect(by.id).toMatchObject({ isAutoIncrement: true, isSigned: false, nullable: 0, precision: 10, scale: 0 });
    expect(by.int_col).toMatchObject({ isSigned: true, nullable: 0 });
    expect(by.name).toMatchObject({ isSigned: false, isCaseSensitive: false, nullable: 1, precision: 100, scale: 0 });
    expect(by.decimal_col).toMatchObject({ isSigned: true, precision: 10, scale: 4 });
    expect(by.created).toMatchObject({ precision: 19, scale: 0, isSigned: false, isCaseSensitive: false });
    expect(by.blob_col!.isCaseSensitive).toBe(true);
    expect(by.bool_col!.isSigned).toBe(false);
  });

  it('answers like the recorded sample-query-response.json, column metadata included', async () => {
    await direct().query(`DELETE FROM \`${cats}\``);
    await direct().query(
      `INSERT INTO \`${cats}\` (name, description, created, modified) VALUES
       ('Category 1', NULL, '2019-11-12 22:00:11', '2019-11-12 22:15:25'),
       ('Category 2', 'Description of Category 2', '2019-11-12 22:17:11', '2019-11-12 22:21:36')`,
    );
    const out = await run(`SELECT * FROM \`${cats}\` ORDER BY id`, { includeResultMetadata: true });
    const column = (name: string, over: Record<string, unknown>) => ({
      arrayBaseColumnType: 0,
      isAutoIncrement: false,
      isCaseSensitive: false,
      isCurrency: false,
      isSigned: false,
      label: name,
      name,
      nullable: 1,
      precision: 19,
      scale: 0,
      schemaName: '',
      tableName: cats,
      type: 93,
      typeName: 'TIMESTAMP',
      ...over,
    });
    expect(out.columnMetadata).toEqual([
      column('id', { isAutoIncrement: true, nullable: 0, precision: 10, type: 4, typeName: 'INT UNSIGNED' }),
      column('name', { precision: 100, type: 12, typeName: 'VARCHAR' }),
      column('description', { precision: 255, type: 12, typeName: 'VARCHAR' }),
      column('created', { nullable: 0 }),
      column('modified', { nullable: 0 }),
      column('deleted', {}),
    ]);
    const ids = out.records!.map((record) => record[0]!.longValue!);
    expect(out.records).toEqual([
      [
        { longValue: ids[0] },
        { stringValue: 'Category 1' },
        { isNull: true },
        { stringValue: '2019-11-12 22:00:11' },
        { stringValue: '2019-11-12 22:15:25' },
        { isNull: true },
      ],
      [
        { longValue: ids[1] },
        { stringValue: 'Category 2' },
        { stringValue: 'Description of Category 2' },
        { stringValue: '2019-11-12 22:17:11' },
        { stringValue: '2019-11-12 22:21:36' },
        { isNull: true },
      ],
    ]);
    expect(out.numberOfRecordsUpdated).toBe(0);
  });

  it('keeps integers past 2^53 exact on the wire', async () => {
    const raw = await rawCall(server, 'Execute', { ...t, sql: 'SELECT CAST(9007199254740993 AS SIGNED) AS big, -9007199254740993 AS neg' });
    expect(raw.status).toBe(200);
    expect(raw.text).toContain('{"longValue":9007199254740993}');
    expect(raw.text).toContain('{"longValue":-9007199254740993}');
  });

  it('answers DECIMAL as a double or long with decimalReturnType DOUBLE_OR_LONG, and integers as strings with longReturnType STRING', async () => {
    const out = await run('SELECT CAST(12.5 AS DECIMAL(5,2)) AS d, CAST(42 AS DECIMAL(5,0)) AS whole, 7 AS n', {
      resultSetOptions: { decimalReturnType: 'DOUBLE_OR_LONG' },
    });
    expect(out.records).toEqual([[{ doubleValue: 12.5 }, { longValue: 42 }, { longValue: 7 }]]);
    const asText = await run('SELECT 7 AS n, CAST(12.5 AS DECIMAL(5,2)) AS d', { resultSetOptions: { longReturnType: 'STRING' } });
    expect(asText.records).toEqual([[{ stringValue: '7' }, { stringValue: '12.50' }]]);
  });

  it('answers formatRecordsAs JSON with formattedRecords and nothing else', async () => {
    const out = await run(`SELECT id, bool_col, int_col, double_col, decimal_col, name, varbinary_col, null_col, json_col FROM \`${types}\``, {
      formatRecordsAs: 'JSON',
      includeResultMetadata: true,
    });
    expect(out.records).toBeUndefined();
    expect(out.columnMetadata).toBeUndefined();
    const rows = JSON.parse(out.formattedRecords!);
    expect(rows).toEqual([
      {
        id: expect.any(Number),
        bool_col: true,
        int_col: -2147483648,
        double_col: 2.718281828459045,
        decimal_col: '123456.7890',
        name: 'Mike Brady',
        varbinary_col: 'SGVsbG8=',
        null_col: null,
        json_col: '{"a": 1}',
      },
    ]);
    const duplicate = await rejectionOf(run('SELECT 1 AS a, 2 AS a', { formatRecordsAs: 'JSON' }));
    expect(duplicate.name).toBe('BadRequestException');
  });

  it('returns an empty records list and metadata for a select without rows', async () => {
    const out = await run(`SELECT id, name FROM \`${types}\` WHERE id < 0`, { includeResultMetadata: true });
    expect(out.records).toEqual([]);
    expect(out.columnMetadata!.map((c) => c.name)).toEqual(['id', 'name']);
  });
});

describe('inserts, updates and batches', () => {
  it('answers an insert with its generated id and an update with its count, as recorded', async () => {
    const inserted = await run(`INSERT INTO \`${cats}\` (name) VALUES (:name)`, { parameters: [{ name: 'name', value: { stringValue: 'Tiger' } }] });
    const id = inserted.generatedFields![0]!.longValue!;
    expect(id).toBeGreaterThan(0);
    expect(inserted).toMatchObject({ generatedFields: [{ longValue: id }], numberOfRecordsUpdated: 1 });
    expect(inserted.records).toBeUndefined();

    const updated = await run(`UPDATE \`${cats}\` SET description = :d WHERE id = :id`, {
      parameters: [
        { name: 'd', value: { stringValue: 'striped' } },
        { name: 'id', value: { longValue: id } },
      ],
    });
    expect(updated).toMatchObject({ generatedFields: [], numberOfRecordsUpdated: 1 });
    const [rows] = await direct().query(`SELECT description FROM \`${cats}\` WHERE id = ?`, [id]);
    expect(rows).toEqual([{ description: 'striped' }]);
  });

  it('answers a batch insert with one generated id per parameter set, and a batch delete with empty generatedFields', async () => {
    const names = ['Marcia', 'Jan', 'Cindy'];
    const out = await client.send(
      new BatchExecuteStatementCommand({
        ...t,
        sql: `INSERT INTO \`${cats}\` (name) VALUES (:name)`,
        parameterSets: names.map((name) => [{ name: 'name', value: { stringValue: name } }]),
      }),
    );
    const ids = out.updateResults!.map((r) => r.generatedFields![0]!.longValue!);
    expect(ids).toHaveLength(3);
    expect(ids[1]).toBe(ids[0]! + 1);
    expect(ids[2]).toBe(ids[0]! + 2);
    const [rows] = await direct().query(`SELECT id, name FROM \`${cats}\` WHERE id IN (?) ORDER BY id`, [ids]);
    expect(rows).toEqual(ids.map((id, i) => ({ id, name: names[i] })));

    const deleted = await client.send(
      new BatchExecuteStatementCommand({
        ...t,
        sql: `DELETE FROM \`${cats}\` WHERE id = :id`,
        parameterSets: ids.slice(0, 2).map((id) => [{ name: 'id', value: { longValue: id } }]),
      }),
    );
    expect(deleted.updateResults).toEqual([{ generatedFields: [] }, { generatedFields: [] }]);
  });

  it('runs nothing for a batch without parameter sets, as AWS does', async () => {
    const before = server.stats().statements;
    const out = await client.send(new BatchExecuteStatementCommand({ ...t, sql: `DELETE FROM \`${cats}\`` }));
    expect(out.updateResults).toEqual([]);
    expect(server.stats().statements).toBe(before);
  });

  it('commits all of a batch or none of it', async () => {
    const name = `atomic-${Date.now()}`;
    const error = await rejectionOf(
      client.send(
        new BatchExecuteStatementCommand({
          ...t,
          sql: `INSERT INTO \`${cats}\` (id, name) VALUES (:id, :name)`,
          parameterSets: [
            [
              { name: 'id', value: { longValue: 900001 } },
              { name: 'name', value: { stringValue: name } },
            ],
            [
              { name: 'id', value: { longValue: 900001 } },
              { name: 'name', value: { stringValue: name } },
            ],
          ],
        }),
      ),
    );
    expect(error.name).toBe('DatabaseErrorException');
    expect(error.message).toMatch(/^Database error code: 1062\. Message: Duplicate entry/);
    const [rows] = await direct().query(`SELECT id FROM \`${cats}\` WHERE name = ?`, [name]);
    expect(rows).toEqual([]);
  });
});

describe('parameters and typeHint', () => {
  it('binds every Field kind, with each typeHint', async () => {
    const out = await run(
      'SELECT :s AS s, :l AS l, :d AS d, :b AS b, :n AS n, HEX(:blob) AS h, CAST(:date AS DATE) AS date_v, CAST(:time AS TIME) AS time_v, ' +
        'CAST(:ts AS DATETIME(3)) AS ts_v, :dec + 0 AS dec_v, JSON_EXTRACT(:json, "$.k") AS json_v, :uuid AS uuid_v, \':s\' AS quoted -- :nope',
      {
        parameters: [
          { name: 's', value: { stringValue: 'it\'s \\ "quoted"' } },
          { name: 'l', value: { longValue: -42 } },
          { name: 'd', value: { doubleValue: 1.5 } },
          { name: 'b', value: { booleanValue: true } },
          { name: 'n', value: { isNull: true } },
          { name: 'blob', value: { blobValue: new Uint8Array([0, 255, 16]) } },
          { name: 'date', value: { stringValue: '2024-02-29' }, typeHint: 'DATE' },
          { name: 'time', value: { stringValue: '23:59:58' }, typeHint: 'TIME' },
          { name: 'ts', value: { stringValue: '2024-01-15 10:20:30.123' }, typeHint: 'TIMESTAMP' },
          { name: 'dec', value: { stringValue: '123.4500' }, typeHint: 'DECIMAL' },
          { name: 'json', value: { stringValue: '{"k": [1, 2]}' }, typeHint: 'JSON' },
          { name: 'uuid', value: { stringValue: '5f0b1a4e-9c1d-4c1e-8e8a-1b2c3d4e5f60' }, typeHint: 'UUID' },
        ],
      },
    );
    const values = out.records![0]!.map((field) => Object.values(field)[0]);
    // Parameters are bound as SQL literals (as a JDBC driver with client-side prepared statements
    // does), so a bare double selected back is a DECIMAL literal to MySQL.
    expect(values).toEqual([
      'it\'s \\ "quoted"',
      -42,
      '1.5',
      1,
      true,
      '00FF10',
      '2024-02-29',
      '23:59:58',
      '2024-01-15 10:20:30.123',
      '123.4500',
      '[1, 2]',
      '5f0b1a4e-9c1d-4c1e-8e8a-1b2c3d4e5f60',
      ':s',
    ]);
  });

  it('refuses a value that does not match its typeHint, a missing parameter and array parameters', async () => {
    const bad = await rejectionOf(run('SELECT :d AS d', { parameters: [{ name: 'd', value: { stringValue: '2024/01/01' }, typeHint: 'DATE' }] }));
    expect(bad.name).toBe('BadRequestException');
    const missing = await rejectionOf(run('SELECT :a AS a, :b AS b', { parameters: [{ name: 'a', value: { longValue: 1 } }] }));
    expect(missing.name).toBe('BadRequestException');
    expect(missing.message).toContain('b');
    const array = await rejectionOf(run('SELECT :a AS a', { parameters: [{ name: 'a', value: { arrayValue: { longValues: [1, 2] } } }] }));
    expect(array.name).toBe('ValidationException');
  });
});

describe('transactions', () => {
  it('commits: the rows appear only at commit', async () => {
    const { transactionId } = await client.send(new BeginTransactionCommand(t));
    expect(transactionId!.length).toBeGreaterThan(0);
    expect(transactionId!.length).toBeLessThanOrEqual(192);
    const out = await run(`INSERT INTO \`${cats}\` (name) VALUES ('committed')`, { transactionId });
    const id = out.generatedFields![0]!.longValue!;
    const [before] = await direct().query(`SELECT id FROM \`${cats}\` WHERE id = ?`, [id]);
    expect(before).toEqual([]);
    const seen = await run(`SELECT name FROM \`${cats}\` WHERE id = ${id}`, { transactionId });
    expect(seen.records).toEqual([[{ stringValue: 'committed' }]]);
    const commit = await client.send(new CommitTransactionCommand({ resourceArn: t.resourceArn, secretArn: t.secretArn, transactionId }));
    expect(commit.transactionStatus).toBe('Transaction Committed');
    const [after] = await direct().query(`SELECT name FROM \`${cats}\` WHERE id = ?`, [id]);
    expect(after).toEqual([{ name: 'committed' }]);
    expect(server.openTransactions()).toBe(0);
  });

  it('rolls back: nothing remains', async () => {
    const { transactionId } = await client.send(new BeginTransactionCommand(t));
    const out = await run(`INSERT INTO \`${cats}\` (name) VALUES ('rolled back')`, { transactionId });
    const batch = await client.send(
      new BatchExecuteStatementCommand({
        ...t,
        transactionId,
        sql: `INSERT INTO \`${cats}\` (name) VALUES (:name)`,
        parameterSets: [[{ name: 'name', value: { stringValue: 'rolled back too' } }]],
      }),
    );
    const rollback = await client.send(new RollbackTransactionCommand({ resourceArn: t.resourceArn, secretArn: t.secretArn, transactionId }));
    expect(rollback.transactionStatus).toBe('Rollback Complete');
    const ids = [out.generatedFields![0]!.longValue, batch.updateResults![0]!.generatedFields![0]!.longValue];
    const [rows] = await direct().query(`SELECT id FROM \`${cats}\` WHERE id IN (?)`, [ids]);
    expect(rows).toEqual([]);
  });
});

describe('pointing the SDK at the server', () => {
  it('works through AWS_ENDPOINT_URL_RDS_DATA, with no endpoint in the code', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_RDS_DATA;
    process.env.AWS_ENDPOINT_URL_RDS_DATA = server.url;
    try {
      const fromEnv = new RDSDataClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      const out = await fromEnv.send(new ExecuteStatementCommand({ ...t, sql: 'SELECT 1 AS one' }));
      expect(out.records).toEqual([[{ longValue: 1 }]]);
      fromEnv.destroy();
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_RDS_DATA;
      else process.env.AWS_ENDPOINT_URL_RDS_DATA = saved;
    }
  });
});

describe('sessions', () => {
  it('runs each call outside a transaction in the database asked for, and a USE or SET does not leak into later calls', async () => {
    await run('USE information_schema');
    await run('SET @leak = 42');
    for (let i = 0; i < 3; i++) {
      const out = await run('SELECT DATABASE() AS db, @leak AS leak, @@time_zone AS tz');
      expect(out.records).toEqual([[{ stringValue: t.database }, { isNull: true }, { stringValue: '+00:00' }]]);
    }
    const other = await run('SELECT DATABASE() AS db', { database: 'information_schema' });
    expect(other.records).toEqual([[{ stringValue: 'information_schema' }]]);
  });

  it('sets up sessions as Aurora MySQL 3 does: UTC and MySQL 8 sql_mode', async () => {
    const out = await run('SELECT @@session.time_zone AS tz, @@session.sql_mode AS mode');
    expect(out.records![0]![0]).toEqual({ stringValue: '+00:00' });
    expect(out.records![0]![1]!.stringValue!.split(',')).toEqual(expect.arrayContaining(['ONLY_FULL_GROUP_BY', 'STRICT_TRANS_TABLES', 'NO_ZERO_DATE']));
  });
});

describe('errors with their AWS names', () => {
  it('answers a SQL error as DatabaseErrorException with the MySQL code', async () => {
    const error = await rejectionOf(run('SELECT * FROM no_such_table_here'));
    expect(error.name).toBe('DatabaseErrorException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toMatch(/^Database error code: 1146\. Message: Table '.+\.no_such_table_here' doesn't exist$/);
  });

  it('answers ExecuteSql as on Aurora Serverless v2: not available', async () => {
    const error = await rejectionOf(
      client.send(new ExecuteSqlCommand({ dbClusterOrInstanceArn: t.resourceArn, awsSecretStoreArn: t.secretArn, sqlStatements: 'SELECT 1' })),
    );
    expect(error.name).toBe('BadRequestException');
    expect(error.message).toContain('ExecuteStatement');
  });

  it('refuses the schema parameter and multi-statements with ValidationException', async () => {
    const schema = await rejectionOf(run('SELECT 1', { schema: 'public' }));
    expect(schema.name).toBe('ValidationException');
    const multi = await rejectionOf(run('SELECT 1; SELECT 2'));
    expect(multi.name).toBe('ValidationException');
    expect(multi.message).toBe("Multistatements aren't supported.");
  });

  it('answers an unknown operation as UnknownOperationException', async () => {
    const raw = await rawCall(server, 'DescribeNothing', {});
    expect(raw.status).toBe(404);
    expect(raw.errorType).toBe('UnknownOperationException');
    expect(raw.json).toEqual({ message: expect.any(String) });
  });
});
