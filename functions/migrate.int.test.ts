import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import { LOCAL_DEFAULTS, type LocalDataApi, startLocalDataApi } from 'local-data-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { dropDatabase, ensureDatabase } from '../infra/local/mysql.js';
import { DataApiExecutor } from '../lib/store/data-api/executor.js';
import { loadMigrations, type Migration, migrationOf } from '../lib/store/migrations/index.js';
import { LEDGER_TABLE } from '../lib/store/migrations/ledger.js';
import { LOCK_TABLE } from '../lib/store/migrations/lock.js';
import { sql, stack } from '../test/support/helpers.js';
import { lambdaContext } from '../test/support/lambda-events.js';
import type * as Migrate from './migrate.js';

// The SchemaMigrations custom resource's function, against the local Data API server and real
// MySQL or MariaDB, in a database of its own (other tests write rows to the stack's). A local HTTP server
// stands in for CloudFormation's pre-signed response URL.

interface Received {
  method: string;
  headers: IncomingHttpHeaders;
  body: CloudFormationCustomResourceResponse;
}

let migrate: typeof Migrate;
let responses: Server;
let responseUrl: string;
const received: Received[] = [];
const database = `identify_migrate_${process.pid}`;

const LEDGER_TABLES = [LEDGER_TABLE, LOCK_TABLE];
/** The service's own tables, as the migrations create them (lib/store/migrations/sql/). */
const SERVICE_TABLES = ['AuditRecord', 'BlockedValue', 'BlockedValueVersion', 'Contact', 'ContactPairing'];
const quiet = new Logger({ logLevel: 'SILENT' });
const target = { ClusterArn: LOCAL_DEFAULTS.resourceArn, SecretArn: LOCAL_DEFAULTS.secretArn, Database: database };

function cfnEvent(requestType: 'Create' | 'Update' | 'Delete', properties: Record<string, unknown> = target): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:identify-dev-migrate',
    ResponseURL: responseUrl,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/identify-dev/5b9b4f10-0000-0000-0000-000000000000',
    RequestId: `request-${received.length + 1}`,
    LogicalResourceId: 'SchemaMigrations',
    ResourceType: 'Custom::SchemaMigrations',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:identify-dev-migrate', ...properties },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  const PhysicalResourceId = 'identify-dev-SchemaMigrations';
  if (requestType === 'Update') return { ...common, RequestType: 'Update', PhysicalResourceId, OldResourceProperties: common.ResourceProperties };
  return { ...common, RequestType: 'Delete', PhysicalResourceId };
}

/** What CloudFormation would have received for the last request. */
function lastResponse(): Received {
  const last = received.at(-1);
  if (!last) throw new Error('nothing was sent to the response URL');
  return last;
}

async function schema(): Promise<{ createTable: string; rows: number; tables: string[] }> {
  const [tables] = await sql().query('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name', [database]);
  const names = (tables as { name: string }[]).map((row) => row.name);
  if (!names.includes('Contact')) return { createTable: '', rows: 0, tables: names };
  const [create] = await sql().query(`SHOW CREATE TABLE \`${database}\`.Contact`);
  const [count] = await sql().query(`SELECT COUNT(*) AS n FROM \`${database}\`.Contact`);
  return { createTable: (create as Record<string, string>[])[0]!['Create Table']!, rows: Number((count as { n: number }[])[0]!.n), tables: names };
}

/** A database as new as an empty one: no schema, no ledger. */
async function dropAllTables(): Promise<void> {
  for (const table of [...SERVICE_TABLES, ...LEDGER_TABLES]) await sql().query(`DROP TABLE IF EXISTS \`${database}\`.\`${table}\``);
}

beforeAll(async () => {
  responses = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', headers: req.headers, body: JSON.parse(body) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => responses.listen(0, '127.0.0.1', resolve));
  responseUrl = `http://127.0.0.1:${(responses.address() as AddressInfo).port}/cloudformation-response?X-Amz-Signature=test`;

  await dropDatabase(stack().mysqlUrl, database);
  await ensureDatabase(stack().mysqlUrl, database);
  // The deployed function's environment, as Lambda gives it: region, credentials, and here the
  // local Data API endpoint. Set before the module loads, as on a cold start.
  const env = stack().handlerEnv;
  for (const name of ['AWS_ENDPOINT_URL_RDS_DATA', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'])
    vi.stubEnv(name, env[name]!);
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  migrate = await import('./migrate.js');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise((resolve) => responses?.close(resolve));
  await dropDatabase(stack().mysqlUrl, database);
});

beforeEach(() => {
  received.length = 0;
});

describe('the migrate handler (the deployed entry point)', () => {
  it('creates the schema through the Data API, and answers SUCCESS on the response URL as CloudFormation expects', async () => {
    expect((await schema()).tables).toEqual([]);
    await migrate.handler(cfnEvent('Create'), lambdaContext(300_000));

    const { method, headers, body } = lastResponse();
    expect(method).toBe('PUT');
    // The pre-signed S3 URL's signature covers the content type: it must be empty.
    expect(headers['content-type']).toBe('');
    expect(Number(headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(body)));
    expect(body).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'identify-dev-SchemaMigrations',
      StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/identify-dev/5b9b4f10-0000-0000-0000-000000000000',
      RequestId: 'request-1',
      LogicalResourceId: 'SchemaMigrations',
      Data: {
        Database: database,
        Migrations: loadMigrations()
          .map((m) => m.name)
          .join(','),
      },
    });
    const after = await schema();
    expect(after.tables).toEqual([...SERVICE_TABLES, ...LEDGER_TABLES]);
    // The very table the local stack made from the same files.
    const [local] = await sql().query('SHOW CREATE TABLE Contact');
    const withoutCounter = (text: string) => text.replace(/ AUTO_INCREMENT=\d+/, '');
    expect(withoutCounter(after.createTable)).toBe(withoutCounter((local as Record<string, string>[])[0]!['Create Table']!));
  });

  it('run twice in a row, changes nothing: same table, same rows', async () => {
    await migrate.handler(cfnEvent('Create'), lambdaContext(300_000));
    await sql().query(`INSERT INTO \`${database}\`.Contact (email, linkPrecedence) VALUES ('kept@migrate.test', 'primary')`);
    const before = await schema();
    expect(before.rows).toBeGreaterThan(0);

    await migrate.handler(cfnEvent('Update'), lambdaContext(300_000));
    expect(lastResponse().body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'identify-dev-SchemaMigrations' });
    await migrate.handler(cfnEvent('Update'), lambdaContext(300_000));
    expect(lastResponse().body.Status).toBe('SUCCESS');
    expect(await schema()).toEqual(before);
  });

  it('does nothing on Delete, and says so', async () => {
    await migrate.handler(cfnEvent('Create'), lambdaContext(300_000));
    const before = await schema();
    await migrate.handler(cfnEvent('Delete'), lambdaContext(300_000));
    expect(lastResponse().body).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'identify-dev-SchemaMigrations',
      StackId: expect.any(String),
      RequestId: expect.any(String),
      LogicalResourceId: 'SchemaMigrations',
    });
    expect(await schema()).toEqual(before);
  });

  it('answers FAILED, with the reason, when a property is missing', async () => {
    await migrate.handler(cfnEvent('Create', { ClusterArn: LOCAL_DEFAULTS.resourceArn, Database: database }), lambdaContext(300_000));
    expect(lastResponse().body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'identify-dev-SchemaMigrations' });
    expect(lastResponse().body.Reason).toContain('SecretArn is missing');
  });
});

describe('waiting for the writer', () => {
  let server: LocalDataApi;
  let client: RDSDataClient;

  beforeAll(async () => {
    server = await startLocalDataApi({ port: 0, mysqlUrl: stack().mysqlUrl, defaultDatabase: database });
    client = new RDSDataClient({ endpoint: server.url, region: LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials, maxAttempts: 1 });
  });

  afterAll(async () => {
    client?.destroy();
    await server?.close();
  });

  beforeEach(() => {
    server.faults.resumingUntil = 0;
    server.resetStats();
  });

  const handlerWith = (sleep: (ms: number) => Promise<void>, migrations?: () => Migration[]) =>
    migrate.buildHandler({ connect: (t) => new DataApiExecutor(client, t), logger: quiet, sleep, ...(migrations && { migrations }) });

  it('waits out a cluster resuming from 0 ACU, then migrates', async () => {
    await dropAllTables();
    server.faults.resumingUntil = Date.now() + 600_000;
    const waits: number[] = [];
    const handler = handlerWith(async (ms) => {
      waits.push(ms);
      if (waits.length === 2) server.faults.resumingUntil = 0; // the writer is up
    });
    await handler(cfnEvent('Update'), lambdaContext(300_000));

    expect(lastResponse().body.Status).toBe('SUCCESS');
    expect(waits).toEqual([1_000, 2_000]);
    expect(server.stats().errors.DatabaseResumingException).toBe(2);
    expect((await schema()).tables).toEqual([...SERVICE_TABLES, ...LEDGER_TABLES]);
  });

  it('gives up in time to answer FAILED before the function’s own timeout', async () => {
    server.faults.resumingUntil = Date.now() + 600_000;
    const waits: number[] = [];
    const handler = handlerWith(async (ms) => {
      waits.push(ms);
    });
    // 5 s left once the margin for the answer is kept back: waits of 1, 2 and 4 s fit, 8 s does not.
    await handler(cfnEvent('Update'), lambdaContext(migrate.RESPONSE_MARGIN_MS + 5_000));

    const { body } = lastResponse();
    expect(body.Status).toBe('FAILED');
    expect(body.Reason).toContain('DatabaseResumingException');
    expect(body.Reason).toContain('log stream test');
    expect(waits).toEqual([1_000, 2_000, 4_000]);
    expect(server.stats().errors.DatabaseResumingException).toBe(4);
  });

  it('reports a migration that fails, at once, with the database’s message', async () => {
    const waits: number[] = [];
    const handler = handlerWith(
      async (ms) => {
        waits.push(ms);
      },
      () => [migrationOf('999_broken.sql', 'CREATE TABEL Broken (id INT);')],
    );
    await handler(cfnEvent('Update'), lambdaContext(300_000));
    expect(lastResponse().body.Status).toBe('FAILED');
    expect(lastResponse().body.Reason).toMatch(/^DatabaseErrorException: .*syntax/);
    expect(waits).toEqual([]);
  });
});

describe('two instances at once, and a database made before the ledger', () => {
  const clients: RDSDataClient[] = [];
  // 800 holds the lock for half a second, so that the two invocations surely overlap.
  const withNote = () => [
    ...loadMigrations(),
    migrationOf('800_slow.sql', 'DO SLEEP(0.5);\n'),
    migrationOf('900_add_note.sql', 'ALTER TABLE Contact ADD COLUMN note VARCHAR(40) NULL;\n'),
  ];

  function newClient(): RDSDataClient {
    const client = new RDSDataClient({ endpoint: stack().dataApiUrl, region: LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  }

  /** A handler as one Lambda instance has it: its own SDK client. */
  const instance = (migrations: () => Migration[]) => {
    const client = newClient();
    return migrate.buildHandler({ connect: (t) => new DataApiExecutor(client, t), logger: quiet, migrations });
  };

  afterAll(() => {
    for (const client of clients) client.destroy();
  });

  async function ledgerNames(): Promise<string[]> {
    const [rows] = await sql().query(`SELECT name FROM \`${database}\`.${LEDGER_TABLE} ORDER BY name`);
    return (rows as { name: string }[]).map((row) => row.name);
  }

  it('two invocations at once both answer SUCCESS, and each migration is applied once (the ALTER would fail twice)', async () => {
    await dropAllTables();
    await Promise.all([instance(withNote)(cfnEvent('Update'), lambdaContext(300_000)), instance(withNote)(cfnEvent('Update'), lambdaContext(300_000))]);

    expect(received.map((response) => response.body.Status)).toEqual(['SUCCESS', 'SUCCESS']);
    const names = withNote().map((m) => m.name);
    for (const response of received) expect(response.body.Data).toEqual({ Database: database, Migrations: names.join(',') });
    expect(await ledgerNames()).toEqual(names);
  });

  it('upgrades a database the previous runner made (Contact with rows, no ledger), keeping its rows', async () => {
    await dropAllTables();
    const legacy = new DataApiExecutor(newClient(), { resourceArn: LOCAL_DEFAULTS.resourceArn, secretArn: LOCAL_DEFAULTS.secretArn, database });
    // The previous runner knew one migration: the Contact table.
    for (const statement of loadMigrations()[0]!.statements) await legacy.run(statement);
    await sql().query(`INSERT INTO \`${database}\`.Contact (email, linkPrecedence) VALUES ('legacy@migrate.test', 'primary')`);
    const before = await schema();
    expect(before.tables).toEqual(['Contact']);

    await instance(() => loadMigrations())(cfnEvent('Update'), lambdaContext(300_000));
    expect(lastResponse().body.Status).toBe('SUCCESS');
    expect(await schema()).toEqual({ ...before, tables: [...SERVICE_TABLES, ...LEDGER_TABLES] });
    expect(await ledgerNames()).toEqual(loadMigrations().map((m) => m.name));
  });
});
