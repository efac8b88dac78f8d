import type { DataApiClient } from 'data-api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEFAULTS, type LocalDataApi } from './server.js';
import { closeDirect, direct, rejectionOf, startServer, TYPE_ROW_SQL, target, typesTableDdl, uniqueTable } from './test-support.js';

// Conformance, client 2 of 3: data-api-client 1.x (jeremydaly), on the AWS SDK v2. It hydrates rows
// by columnMetadata label, parses JSON and dates by typeName, and takes insertId from generatedFields.
// Expectations follow its integration tests against Aurora MySQL 3 (integration-tests/mysql.int.test.ts).

let server: LocalDataApi;
let client: DataApiClient;
const types = uniqueTable('conf_dac_types');
const users = uniqueTable('conf_dac_users');

function connect(overrides: Record<string, unknown> = {}): DataApiClient {
  return init({
    ...target(server),
    options: {
      endpoint: server.url,
      region: LOCAL_DEFAULTS.region,
      credentials: LOCAL_DEFAULTS.credentials,
      maxRetries: 0,
    },
    ...overrides,
  });
}

let init: typeof import('data-api-client').default;

beforeAll(async () => {
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
  init = (await import('data-api-client')).default;
  server = await startServer();
  client = connect();
  await direct().query(typesTableDdl(types));
  await direct().query(TYPE_ROW_SQL(types));
  await direct().query(
    `CREATE TABLE \`${users}\` (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL, email VARCHAR(255) NOT NULL UNIQUE, age INT)`,
  );
});

afterAll(async () => {
  await direct().query(`DROP TABLE IF EXISTS \`${types}\`, \`${users}\``);
  await server?.close();
  await closeDirect();
});

describe('data-api-client against the local server', () => {
  it('selects every type, hydrated and converted by typeName', async () => {
    const { records } = await client.query(`SELECT * FROM \`${types}\``);
    expect(records).toHaveLength(1);
    const row = records![0];
    expect(row).toMatchObject({
      tinyint_col: -128,
      bool_col: true,
      smallint_unsigned_col: 65535,
      mediumint_col: -8388608,
      int_col: -2147483648,
      bigint_col: 9007199254740991,
      double_col: 2.718281828459045,
      decimal_col: '123456.7890',
      name: 'Mike Brady',
      char_col: 'CHAR',
      text_col: 'Long text',
      time_col: '14:30:45',
      // YEAR is a string on the wire; data-api-client 2.x turns it into a number by typeName.
      year_col: '2024',
      json_col: { a: 1 },
      bit_col: true,
      enum_col: 'medium',
      null_col: null,
    });
    expect(row.float_col).toBeCloseTo(3.14159, 5);
    expect(Buffer.isBuffer(row.varbinary_col)).toBe(true);
    expect(row.varbinary_col.toString('utf8')).toBe('Hello');
    expect([...row.blob_col]).toEqual([0, 1, 2, 255]);
    // deserializeDate (the default) reads DATE/DATETIME/TIMESTAMP strings as UTC.
    expect(row.created).toEqual(new Date('2019-11-12T22:15:25Z'));
    expect(row.datetime_col).toEqual(new Date('2019-11-12T22:00:11Z'));
    expect(row.date_col).toBeInstanceOf(Date);
  });

  it('answers in arrays when hydrateColumnNames is false', async () => {
    // Without column metadata, 1.x can only skip date parsing (it needs typeName for it, as on AWS).
    const plain = connect({ hydrateColumnNames: false, formatOptions: { deserializeDate: false } });
    const { records } = await plain.query('SELECT 1 AS num, "test" AS str');
    expect(records).toEqual([[1, 'test']]);
  });

  it('inserts, with the insert id, then updates and deletes with counts', async () => {
    const inserted = await client.query(`INSERT INTO \`${users}\` (name, email, age) VALUES (:name, :email, :age)`, {
      name: 'Mike Brady',
      email: 'mike@example.com',
      age: 52,
    });
    expect(inserted.insertId).toBeGreaterThan(0);
    expect(inserted.numberOfRecordsUpdated).toBe(1);
    const selected = await client.query(`SELECT * FROM \`${users}\` WHERE id = :id`, { id: inserted.insertId });
    expect(selected.records).toEqual([{ id: inserted.insertId, name: 'Mike Brady', email: 'mike@example.com', age: 52 }]);
    const updated = await client.query(`UPDATE \`${users}\` SET age = :age WHERE email = :email`, { age: 53, email: 'mike@example.com' });
    expect(updated.numberOfRecordsUpdated).toBe(1);
    const deleted = await client.query(`DELETE FROM \`${users}\` WHERE email = :email`, { email: 'mike@example.com' });
    expect(deleted.numberOfRecordsUpdated).toBe(1);
  });

  it('binds a Date as a TIMESTAMP typeHint and a Buffer as a blob', async () => {
    const { records } = await client.query('SELECT CAST(:when AS DATETIME(3)) AS w, HEX(:bytes) AS h', {
      when: new Date('2024-12-25T14:30:45.123Z'),
      bytes: Buffer.from([1, 2, 3]),
    });
    expect(records).toEqual([{ w: new Date('2024-12-25T14:30:45.123Z'), h: '010203' }]);
  });

  it('runs a batch insert with one insert id per parameter set', async () => {
    const batch = [
      [{ name: 'Greg', email: 'greg@example.com', age: 18 }],
      [{ name: 'Peter', email: 'peter@example.com', age: 16 }],
      [{ name: 'Bobby', email: 'bobby@example.com', age: 12 }],
    ];
    const result = await client.query(`INSERT INTO \`${users}\` (name, email, age) VALUES (:name, :email, :age)`, batch);
    expect(result.updateResults).toHaveLength(3);
    const ids = result.updateResults!.map((r) => r.insertId!);
    expect(ids[2]! - ids[0]!).toBe(2);
    const count = await client.query(`SELECT COUNT(*) AS count FROM \`${users}\` WHERE id IN (${ids.join(',')})`);
    expect(count.records).toEqual([{ count: 3 }]);
  });

  it('commits a transaction, the results in order and its status last', async () => {
    const results = await client
      .transaction()
      .query(`INSERT INTO \`${users}\` (name, email, age) VALUES (:name, :email, :age)`, { name: 'Marcia', email: 'marcia@example.com', age: 17 })
      .query((previous: { insertId: number }) => [`UPDATE \`${users}\` SET age = age + 1 WHERE id = :id`, { id: previous.insertId }])
      .commit();
    expect(results).toHaveLength(3);
    expect(results[0].insertId).toBeGreaterThan(0);
    expect(results[1].numberOfRecordsUpdated).toBe(1);
    expect(results[2]).toEqual({ transactionStatus: 'Transaction Committed' });
    const [rows] = await direct().query(`SELECT age FROM \`${users}\` WHERE id = ?`, [results[0].insertId]);
    expect(rows).toEqual([{ age: 18 }]);
  });

  it('rolls back a transaction whose statement fails, and calls the rollback callback', async () => {
    let rollback: { error: Error; status: unknown } | undefined;
    const error = await rejectionOf(
      client
        .transaction()
        .query(`INSERT INTO \`${users}\` (name, email, age) VALUES (:name, :email, :age)`, { name: 'Jan', email: 'jan@example.com', age: 15 })
        .query(`INSERT INTO \`${users}\` (name, email, age) VALUES (:name, :email, :age)`, { name: 'Jan 2', email: 'jan@example.com', age: 15 })
        .rollback((e: Error, status: unknown) => {
          rollback = { error: e, status };
        })
        .commit(),
    );
    expect(error.code).toBe('DatabaseErrorException');
    expect(error.message).toMatch(/^Database error code: 1062\. Message: Duplicate entry 'jan@example.com'/);
    expect(rollback?.status).toEqual({ transactionStatus: 'Rollback Complete' });
    const [rows] = await direct().query(`SELECT id FROM \`${users}\` WHERE email = 'jan@example.com'`);
    expect(rows).toEqual([]);
    expect(server.openTransactions()).toBe(0);
  });

  it('surfaces errors with their AWS names', async () => {
    const sqlError = await rejectionOf(client.query('SELECT nope FROM no_such_table'));
    expect(sqlError.code).toBe('DatabaseErrorException');
    expect(sqlError.statusCode).toBe(400);
    const multi = await rejectionOf(client.query('SELECT 1; SELECT 2'));
    expect(multi.code).toBe('ValidationException');
    const badArn = init({
      ...target(server),
      resourceArn: 'arn:aws:rds:us-east-1:123456789012:cluster:other',
      options: { endpoint: server.url, region: 'us-east-1', credentials: LOCAL_DEFAULTS.credentials, maxRetries: 0 },
    });
    const arnError = await rejectionOf(badArn.query('SELECT 1'));
    expect(arnError.code).toBe('BadRequestException');
    const unknownTx = await rejectionOf(client.executeStatement({ sql: 'SELECT 1', transactionId: 'AQnotatransaction' }));
    expect(unknownTx.code).toBe('TransactionNotFoundException');
    expect(unknownTx.statusCode).toBe(404);
  });
});
