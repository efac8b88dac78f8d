import { RDSData } from '@aws-sdk/client-rds-data';
import { type Generated, Kysely, sql } from 'kysely';
import { DataApiDialect } from 'kysely-data-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEFAULTS, type LocalDataApi } from './server.js';
import { closeDirect, direct, rejectionOf, startServer, TYPE_ROW_SQL, target, typesTableDdl, uniqueTable } from './test-support.js';

// Conformance, client 3 of 3: kysely-data-api 2 with kysely 0.27. It names parameters :0, :1, ...,
// always asks for columnMetadata and treats an answer without it as a non-SELECT, takes insertId
// from generatedFields, and parses typeName "JSON", "DATE" and "TIMESTAMP".

interface Database {
  [table: string]: {
    id: Generated<number>;
    name: string;
    email: string;
    age: number | null;
    profile: string | null;
  };
}

let server: LocalDataApi;
let rds: RDSData;
let db: Kysely<Database>;
const types = uniqueTable('conf_kysely_types');
const people = uniqueTable('conf_kysely_people');

beforeAll(async () => {
  server = await startServer();
  rds = new RDSData({ endpoint: server.url, region: LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials, maxAttempts: 1 });
  db = new Kysely<Database>({ dialect: new DataApiDialect({ mode: 'mysql', driver: { client: rds, ...target(server) } }) });
  await direct().query(typesTableDdl(types));
  await direct().query(TYPE_ROW_SQL(types));
  await db.schema
    .createTable(people)
    .addColumn('id', 'integer', (c) => c.autoIncrement().primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('email', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('age', 'integer')
    .addColumn('profile', 'json')
    .execute();
});

afterAll(async () => {
  await direct().query(`DROP TABLE IF EXISTS \`${types}\`, \`${people}\``);
  await db?.destroy();
  rds?.destroy();
  await server?.close();
  await closeDirect();
});

describe('kysely with kysely-data-api against the local server', () => {
  it('selects every type', async () => {
    const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(types)}`.execute(db);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      tinyint_col: -128,
      bool_col: true,
      smallint_unsigned_col: 65535,
      int_col: -2147483648,
      bigint_col: 9007199254740991,
      decimal_col: '123456.7890',
      name: 'Mike Brady',
      time_col: '14:30:45',
      datetime_col: '2019-11-12 22:00:11',
      year_col: '2024',
      json_col: { a: 1 },
      bit_col: true,
      enum_col: 'medium',
      null_col: null,
    });
    // typeName DATE and TIMESTAMP become Dates.
    expect(row.date_col).toEqual(new Date('2024-12-25'));
    expect(row.created).toEqual(new Date('2019-11-12 22:15:25'));
    expect(Buffer.from(row.varbinary_col as Uint8Array).toString('utf8')).toBe('Hello');
  });

  it('inserts with the insert id, selects it back and counts updates', async () => {
    const inserted = await db
      .insertInto(people)
      .values({ name: 'Alice', email: 'alice@example.com', age: 30, profile: '{"tags": ["a"]}' })
      .executeTakeFirstOrThrow();
    expect(typeof inserted.insertId).toBe('bigint');
    const id = Number(inserted.insertId);
    expect(id).toBeGreaterThan(0);
    const person = await db.selectFrom(people).selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(person).toEqual({ id, name: 'Alice', email: 'alice@example.com', age: 30, profile: { tags: ['a'] } });
    const updated = await db.updateTable(people).set({ age: 31 }).where('email', '=', 'alice@example.com').executeTakeFirstOrThrow();
    expect(updated.numUpdatedRows).toBe(1n);
    const none = await db.selectFrom(people).select(['id']).where('email', '=', 'nobody@example.com').execute();
    expect(none).toEqual([]);
  });

  it('inserts several rows in one statement and reads them in order', async () => {
    const result = await db
      .insertInto(people)
      .values([
        { name: 'Greg', email: 'greg@example.com', age: 18, profile: null },
        { name: 'Peter', email: 'peter@example.com', age: null, profile: null },
      ])
      .executeTakeFirstOrThrow();
    expect(result.numInsertedOrUpdatedRows).toBe(2n);
    const rows = await db.selectFrom(people).select(['name', 'age']).where('email', 'in', ['greg@example.com', 'peter@example.com']).orderBy('id').execute();
    expect(rows).toEqual([
      { name: 'Greg', age: 18 },
      { name: 'Peter', age: null },
    ]);
  });

  it('commits a transaction', async () => {
    const id = await db.transaction().execute(async (trx) => {
      const r = await trx.insertInto(people).values({ name: 'Carol', email: 'carol@example.com', age: 50, profile: null }).executeTakeFirstOrThrow();
      await trx.updateTable(people).set({ age: 51 }).where('id', '=', Number(r.insertId)).execute();
      return Number(r.insertId);
    });
    const [rows] = await direct().query(`SELECT age FROM \`${people}\` WHERE id = ?`, [id]);
    expect(rows).toEqual([{ age: 51 }]);
    expect(server.openTransactions()).toBe(0);
  });

  it('rolls back a transaction when the work throws', async () => {
    const error = await rejectionOf(
      db.transaction().execute(async (trx) => {
        await trx.insertInto(people).values({ name: 'Oliver', email: 'oliver@example.com', age: 10, profile: null }).execute();
        throw new Error('changed my mind');
      }),
    );
    expect(error.message).toBe('changed my mind');
    const [rows] = await direct().query(`SELECT id FROM \`${people}\` WHERE email = 'oliver@example.com'`);
    expect(rows).toEqual([]);
    expect(server.openTransactions()).toBe(0);
  });

  it('rolls back a transaction whose statement fails, surfacing the database error', async () => {
    const error = await rejectionOf(
      db.transaction().execute(async (trx) => {
        await trx.insertInto(people).values({ name: 'Cindy', email: 'cindy@example.com', age: 12, profile: null }).execute();
        await trx.insertInto(people).values({ name: 'Cindy 2', email: 'cindy@example.com', age: 12, profile: null }).execute();
      }),
    );
    expect(error.name).toBe('DatabaseErrorException');
    expect(error.message).toMatch(/^Database error code: 1062\./);
    const [rows] = await direct().query(`SELECT id FROM \`${people}\` WHERE email = 'cindy@example.com'`);
    expect(rows).toEqual([]);
  });

  it('surfaces errors with their AWS names', async () => {
    const missing = await rejectionOf(sql`SELECT * FROM no_such_table_at_all`.execute(db));
    expect(missing.name).toBe('DatabaseErrorException');
    expect(missing.$metadata.httpStatusCode).toBe(400);
    const multi = await rejectionOf(sql`SELECT 1; SELECT 2`.execute(db));
    expect(multi.name).toBe('ValidationException');
  });
});
