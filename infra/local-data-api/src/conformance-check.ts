import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import {
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  type ExecuteStatementCommandOutput,
  RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import { LOCAL_DEFAULTS } from './server.js';

/**
 * A conformance check run from outside, with nothing but the AWS SDK: point it at any Data API
 * endpoint (`npm run data-api`, or AWS itself) and it checks the answers real Aurora MySQL gives.
 *
 *   npx tsx infra/local-data-api/src/conformance-check.ts [endpoint]
 *
 * Endpoint, ARNs, database and credentials come from the arguments' defaults or the environment
 * (AWS_ENDPOINT_URL_RDS_DATA, DB_CLUSTER_ARN, DB_SECRET_ARN, DB_NAME, AWS_ACCESS_KEY_ID, ...).
 * It creates one table of its own and drops it.
 */

export interface CheckTarget {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  resourceArn: string;
  secretArn: string;
  database?: string;
}

export interface CheckReport {
  passed: string[];
  failed: { check: string; error: string }[];
}

class CheckFailed extends Error {}

function same(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new CheckFailed(`${what}: expected ${e}, got ${a}`);
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new CheckFailed('expected an error, the call succeeded');
}

type Check = [string, () => Promise<void>];

/** What every check works with: the client, the target and a table of the run's own. */
interface CheckContext {
  target: CheckTarget;
  client: RDSDataClient;
  options: { region: string; maxAttempts: number; endpoint?: string };
  base: { resourceArn: string; secretArn: string; database?: string };
  ends: { resourceArn: string; secretArn: string };
  table: string;
  run: (sql: string, extra?: Partial<ExecuteStatementCommandInput>) => Promise<ExecuteStatementCommandOutput>;
}

export async function runConformanceCheck(target: CheckTarget): Promise<CheckReport> {
  const options = { region: target.region ?? LOCAL_DEFAULTS.region, maxAttempts: 1, ...(target.endpoint ? { endpoint: target.endpoint } : {}) };
  const client = new RDSDataClient({ ...options, ...(target.credentials ? { credentials: target.credentials } : {}) });
  const base = { resourceArn: target.resourceArn, secretArn: target.secretArn, ...(target.database ? { database: target.database } : {}) };
  const ends = { resourceArn: target.resourceArn, secretArn: target.secretArn };
  const table = `conformance_check_${randomBytes(4).toString('hex')}`;
  const run = (sql: string, extra: Partial<ExecuteStatementCommandInput> = {}) => client.send(new ExecuteStatementCommand({ ...base, sql, ...extra }));
  const context: CheckContext = { target, client, options, base, ends, table, run };
  const report: CheckReport = { passed: [], failed: [] };
  const checks = [...readChecks(context), ...writeChecks(context)];

  try {
    for (const [name, check] of checks) {
      try {
        await check();
        report.passed.push(name);
      } catch (error) {
        report.failed.push({ check: name, error: error instanceof CheckFailed ? error.message : `${(error as Error).name}: ${(error as Error).message}` });
      }
    }
  } finally {
    await run(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    client.destroy();
  }
  return report;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = process.env;
  const endpoint = process.argv[2] ?? env.AWS_ENDPOINT_URL_RDS_DATA ?? `http://${LOCAL_DEFAULTS.host}:${LOCAL_DEFAULTS.port}`;
  const report = await runConformanceCheck({
    endpoint,
    region: env.AWS_REGION ?? LOCAL_DEFAULTS.region,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? LOCAL_DEFAULTS.credentials.accessKeyId,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? LOCAL_DEFAULTS.credentials.secretAccessKey,
    },
    resourceArn: env.DB_CLUSTER_ARN ?? LOCAL_DEFAULTS.resourceArn,
    secretArn: env.DB_SECRET_ARN ?? LOCAL_DEFAULTS.secretArn,
    database: env.DB_NAME,
  });
  for (const name of report.passed) console.log(`ok    ${name}`);
  for (const { check, error } of report.failed) console.log(`FAIL  ${check}\n      ${error}`);
  console.log(`${report.passed.length} passed, ${report.failed.length} failed against ${endpoint}`);
  process.exit(report.failed.length ? 1 : 0);
}

/** DDL, inserts, the type mapping, column metadata, formatRecordsAs. */
function readChecks(context: CheckContext): Check[] {
  const { table, run } = context;
  return [
    [
      'DDL through ExecuteStatement',
      async () => {
        const out = await run(`CREATE TABLE ${table} (
          id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, flag TINYINT(1), n BIGINT, d DECIMAL(10,4), f DOUBLE, name VARCHAR(100),
          created TIMESTAMP NULL, day DATE, doc JSON, data BLOB, size ENUM('small','medium'), note VARCHAR(10)
        ) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
        same(out.numberOfRecordsUpdated, 0, 'numberOfRecordsUpdated');
      },
    ],
    [
      'INSERT answers generatedFields and numberOfRecordsUpdated',
      async () => {
        const out = await run(
          `INSERT INTO ${table} (flag, n, d, f, name, created, day, doc, data, size) VALUES (:flag, :n, :d, :f, :name, :created, :day, :doc, :data, :size)`,
          {
            parameters: [
              { name: 'flag', value: { booleanValue: true } },
              { name: 'n', value: { longValue: -9007199254740991 } },
              { name: 'd', value: { stringValue: '123456.7890' }, typeHint: 'DECIMAL' },
              { name: 'f', value: { doubleValue: 2.5 } },
              { name: 'name', value: { stringValue: 'Category 1' } },
              { name: 'created', value: { stringValue: '2019-11-12 22:00:11' }, typeHint: 'TIMESTAMP' },
              { name: 'day', value: { stringValue: '2024-12-25' }, typeHint: 'DATE' },
              { name: 'doc', value: { stringValue: '{"a": 1}' }, typeHint: 'JSON' },
              { name: 'data', value: { blobValue: new Uint8Array([1, 2, 3]) } },
              { name: 'size', value: { stringValue: 'medium' } },
            ],
          },
        );
        same(out.generatedFields, [{ longValue: 1 }], 'generatedFields');
        same(out.numberOfRecordsUpdated, 1, 'numberOfRecordsUpdated');
      },
    ],
    [
      'SELECT maps every type to its Field',
      async () => {
        const out = await run(`SELECT flag, n, d, f, name, created, day, doc, data, size, note FROM ${table} WHERE id = 1`);
        const [flag, n, d, f, name, created, day, doc, data, size, note] = out.records![0]!;
        same(flag, { booleanValue: true }, 'TINYINT(1)');
        same(n, { longValue: -9007199254740991 }, 'BIGINT');
        same(d, { stringValue: '123456.7890' }, 'DECIMAL');
        same(f, { doubleValue: 2.5 }, 'DOUBLE');
        same(name, { stringValue: 'Category 1' }, 'VARCHAR');
        same(created, { stringValue: '2019-11-12 22:00:11' }, 'TIMESTAMP');
        same(day, { stringValue: '2024-12-25' }, 'DATE');
        same(doc, { stringValue: '{"a": 1}' }, 'JSON');
        same([...(data!.blobValue ?? [])], [1, 2, 3], 'BLOB');
        same(size, { stringValue: 'medium' }, 'ENUM');
        same(note, { isNull: true }, 'NULL');
      },
    ],
    [
      'includeResultMetadata answers JDBC column metadata',
      async () => {
        const out = await run(`SELECT id, flag, n, d, name, created, doc FROM ${table}`, { includeResultMetadata: true });
        same(
          out.columnMetadata!.map((c) => [c.name, c.typeName, c.type]),
          [
            ['id', 'INT UNSIGNED', 4],
            ['flag', 'BIT', -7],
            ['n', 'BIGINT', -5],
            ['d', 'DECIMAL', 3],
            ['name', 'VARCHAR', 12],
            ['created', 'TIMESTAMP', 93],
            ['doc', 'JSON', -1],
          ],
          'name, typeName, type',
        );
        const id = out.columnMetadata![0]!;
        same([id.isAutoIncrement, id.isSigned, id.nullable, id.precision, id.schemaName, id.tableName], [true, false, 0, 10, '', table], 'id column');
        same(out.columnMetadata![4]!.precision, 100, 'VARCHAR(100) precision');
      },
    ],
    [
      'formatRecordsAs JSON answers formattedRecords',
      async () => {
        const out = await run(`SELECT id, flag, d, name, note FROM ${table}`, { formatRecordsAs: 'JSON' });
        same(JSON.parse(out.formattedRecords!), [{ id: 1, flag: true, d: '123456.7890', name: 'Category 1', note: null }], 'formattedRecords');
        same(out.records, undefined, 'records');
      },
    ],
  ];
}

/** Batches, transactions, errors, signatures. */
function writeChecks(context: CheckContext): Check[] {
  const { client, options, base, ends, table, run, target } = context;
  return [
    [
      'BatchExecuteStatement answers one updateResult per parameter set',
      async () => {
        const out = await client.send(
          new BatchExecuteStatementCommand({
            ...base,
            sql: `INSERT INTO ${table} (name) VALUES (:name)`,
            parameterSets: [[{ name: 'name', value: { stringValue: 'b1' } }], [{ name: 'name', value: { stringValue: 'b2' } }]],
          }),
        );
        same(out.updateResults, [{ generatedFields: [{ longValue: 2 }] }, { generatedFields: [{ longValue: 3 }] }], 'updateResults');
      },
    ],
    [
      'a committed transaction is kept, a rolled back one is not',
      async () => {
        const committed = await client.send(new BeginTransactionCommand(base));
        await run(`INSERT INTO ${table} (name) VALUES ('kept')`, { transactionId: committed.transactionId });
        const status = await client.send(new CommitTransactionCommand({ ...ends, transactionId: committed.transactionId }));
        same(status.transactionStatus, 'Transaction Committed', 'transactionStatus');
        const rolled = await client.send(new BeginTransactionCommand(base));
        await run(`INSERT INTO ${table} (name) VALUES ('gone')`, { transactionId: rolled.transactionId });
        const back = await client.send(new RollbackTransactionCommand({ ...ends, transactionId: rolled.transactionId }));
        same(back.transactionStatus, 'Rollback Complete', 'transactionStatus');
        const names = await run(`SELECT name FROM ${table} WHERE name IN ('kept', 'gone')`);
        same(names.records, [[{ stringValue: 'kept' }]], 'rows');
      },
    ],
    [
      'errors carry their AWS names and statuses',
      async () => {
        const sql = await failure(run('SELECT * FROM no_such_table_for_conformance'));
        same([sql.name, sql.status, sql.message.startsWith('Database error code: 1146. Message: ')], ['DatabaseErrorException', 400, true], 'SQL error');
        const multi = await failure(run('SELECT 1; SELECT 2'));
        same([multi.name, multi.message], ['ValidationException', "Multistatements aren't supported."], 'multi-statement');
        const unknown = await failure(run('SELECT 1', { transactionId: 'AQnotATransactionId' }));
        same([unknown.name, unknown.status], ['TransactionNotFoundException', 404], 'unknown transaction');
        const arn = await failure(run('SELECT 1', { resourceArn: `${target.resourceArn}-other` }));
        same(arn.name, 'BadRequestException', 'unknown cluster ARN');
      },
    ],
    [
      'a failed statement aborts its transaction',
      async () => {
        const { transactionId } = await client.send(new BeginTransactionCommand(base));
        await run(`INSERT INTO ${table} (name) VALUES ('aborted')`, { transactionId });
        const first = await failure(run('SELECT * FROM no_such_table_for_conformance', { transactionId }));
        same(first.name, 'DatabaseErrorException', 'the failing statement');
        const reuse = await failure(run('SELECT 1', { transactionId }));
        same([reuse.name, reuse.status], ['TransactionNotFoundException', 404], 'the next call');
        const rows = await run(`SELECT name FROM ${table} WHERE name = 'aborted'`);
        same(rows.records, [], 'rows of the aborted transaction');
      },
    ],
    [
      'a request signed with the wrong secret is refused',
      async () => {
        if (!target.credentials) return;
        const wrong = new RDSDataClient({ ...options, credentials: { ...target.credentials, secretAccessKey: `${target.credentials.secretAccessKey}-wrong` } });
        const refused = await failure(wrong.send(new ExecuteStatementCommand({ ...base, sql: 'SELECT 1' })));
        wrong.destroy();
        same([refused.name, refused.status], ['InvalidSignatureException', 403], 'wrong signature');
      },
    ],
  ];
}
