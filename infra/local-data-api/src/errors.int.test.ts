import {
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEFAULTS, type LocalDataApi } from './server.js';
import { closeDirect, direct, rawCall, rejectionOf, sdkClient, startServer, target, uniqueTable } from './test-support.js';

// The error cases of the conformance suite: each answered with the status, x-amzn-ErrorType and
// {"message"} that AWS sends, and each leaving the server and the database in the state AWS would.

let server: LocalDataApi;
let client: RDSDataClient;
let t: ReturnType<typeof target>;
const table = uniqueTable('conf_errors');
const servers: LocalDataApi[] = [];

async function ownServer(options: Parameters<typeof startServer>[0]): Promise<LocalDataApi> {
  const s = await startServer(options);
  servers.push(s);
  return s;
}

beforeAll(async () => {
  server = await ownServer({});
  client = sdkClient(server);
  t = target(server);
  await direct().query(`CREATE TABLE \`${table}\` (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64) NOT NULL UNIQUE)`);
});

afterAll(async () => {
  await direct().query(`DROP TABLE IF EXISTS \`${table}\``);
  client?.destroy();
  await Promise.all(servers.map((s) => s.close()));
  await closeDirect();
});

const exec = (c: RDSDataClient, sql: string, extra: Record<string, unknown> = {}) => c.send(new ExecuteStatementCommand({ ...t, sql, ...extra }));
const begin = (c: RDSDataClient) => c.send(new BeginTransactionCommand(t)).then((r) => r.transactionId!);
const ends = { resourceArn: LOCAL_DEFAULTS.resourceArn, secretArn: LOCAL_DEFAULTS.secretArn };
const rowsWith = async (v: string) => (await direct().query(`SELECT v FROM \`${table}\` WHERE v LIKE ?`, [v]))[0];

describe('transactions that are not there', () => {
  it('answers an unknown transaction id with TransactionNotFoundException (404)', async () => {
    const error = await rejectionOf(exec(client, 'SELECT 1', { transactionId: 'AQunknownTransaction' }));
    expect(error.name).toBe('TransactionNotFoundException');
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.message).toMatch(/^Transaction AQunknownTransaction isn't found/);
    const commit = await rejectionOf(client.send(new CommitTransactionCommand({ ...ends, transactionId: 'AQunknownTransaction' })));
    expect(commit.name).toBe('TransactionNotFoundException');
  });

  it('answers a committed transaction id with TransactionNotFoundException', async () => {
    const transactionId = await begin(client);
    await client.send(new CommitTransactionCommand({ ...ends, transactionId }));
    const again = await rejectionOf(client.send(new CommitTransactionCommand({ ...ends, transactionId })));
    expect(again.name).toBe('TransactionNotFoundException');
    expect(again.message).toContain('One previous call resulted in a termination of your transaction.');
    const reuse = await rejectionOf(exec(client, 'SELECT 1', { transactionId }));
    expect(reuse.name).toBe('TransactionNotFoundException');
  });

  it('aborts a transaction whose statement fails: later calls with its id are refused, its writes are gone', async () => {
    const transactionId = await begin(client);
    await exec(client, `INSERT INTO \`${table}\` (v) VALUES ('aborted-1')`, { transactionId });
    const failure = await rejectionOf(exec(client, 'SELECT * FROM no_such_table_xyz', { transactionId }));
    expect(failure.name).toBe('DatabaseErrorException');
    expect(failure.message).toMatch(/^Database error code: 1146\. Message: /);
    const reuse = await rejectionOf(exec(client, 'SELECT 1', { transactionId }));
    expect(reuse.name).toBe('TransactionNotFoundException');
    expect(reuse.message).toBe(`Transaction ${transactionId} isn't found. Transaction has been aborted due to an error from a previous call.`);
    const commit = await rejectionOf(client.send(new CommitTransactionCommand({ ...ends, transactionId })));
    expect(commit.name).toBe('TransactionNotFoundException');
    expect(await rowsWith('aborted-1')).toEqual([]);
    expect(server.openTransactions()).toBe(0);
  });

  it('still lets the client roll back an aborted transaction, once', async () => {
    const transactionId = await begin(client);
    await rejectionOf(exec(client, `INSERT INTO \`${table}\` (v) VALUES (NULL)`, { transactionId }));
    const rollback = await client.send(new RollbackTransactionCommand({ ...ends, transactionId }));
    expect(rollback.transactionStatus).toBe('Rollback Complete');
    const twice = await rejectionOf(client.send(new RollbackTransactionCommand({ ...ends, transactionId })));
    expect(twice.name).toBe('TransactionNotFoundException');
  });

  it('refuses a second call on a transaction while one runs, without aborting it', async () => {
    const transactionId = await begin(client);
    await exec(client, `INSERT INTO \`${table}\` (v) VALUES ('concurrent-1')`, { transactionId });
    const statementsBefore = server.stats().statements;
    const slow = exec(client, 'SELECT SLEEP(0.5) AS s', { transactionId });
    // The slow statement has reached MariaDB once the server counted it.
    await expect.poll(() => server.stats().statements, { timeout: 5_000, interval: 5 }).toBeGreaterThan(statementsBefore);
    const second = await rejectionOf(exec(client, 'SELECT 1', { transactionId }));
    expect(second.name).toBe('DatabaseErrorException');
    expect(second.message).toBe('Transaction is still running a query');
    const busyCommit = await rejectionOf(client.send(new CommitTransactionCommand({ ...ends, transactionId })));
    expect(busyCommit.message).toBe('Transaction is still running a query');
    expect((await slow).records).toEqual([[{ longValue: 0 }]]);
    await client.send(new CommitTransactionCommand({ ...ends, transactionId }));
    expect(await rowsWith('concurrent-1')).toEqual([{ v: 'concurrent-1' }]);
  });

  it('rolls back a transaction left idle past the idle limit', async () => {
    const quick = await ownServer({ transactionIdleMs: 200 });
    const quickClient = sdkClient(quick);
    const transactionId = await begin(quickClient);
    await exec(quickClient, `INSERT INTO \`${table}\` (v) VALUES ('idle-1')`, { transactionId });
    expect(quick.openTransactions()).toBe(1);
    await expect.poll(() => quick.openTransactions(), { timeout: 5_000, interval: 20 }).toBe(0);
    const reuse = await rejectionOf(exec(quickClient, 'SELECT 1', { transactionId }));
    expect(reuse.name).toBe('TransactionNotFoundException');
    expect(reuse.message).toContain('Transaction may be expired.');
    expect(await rowsWith('idle-1')).toEqual([]);
    quickClient.destroy();
  });

  it('rolls back a transaction past its lifetime even while it is in use', async () => {
    const short = await ownServer({ transactionMaxLifetimeMs: 300 });
    const shortClient = sdkClient(short);
    const transactionId = await begin(shortClient);
    await exec(shortClient, `INSERT INTO \`${table}\` (v) VALUES ('lifetime-1')`, { transactionId });
    const stillThere = async () => {
      try {
        await exec(shortClient, 'SELECT 1', { transactionId });
        return 'open';
      } catch (error) {
        return (error as Error).name;
      }
    };
    await expect.poll(stillThere, { timeout: 5_000, interval: 25 }).toBe('TransactionNotFoundException');
    expect(await rowsWith('lifetime-1')).toEqual([]);
    shortClient.destroy();
  });
});

describe('requests that are refused', () => {
  it('refuses multi-statement SQL with ValidationException, without aborting the transaction', async () => {
    const error = await rejectionOf(exec(client, `INSERT INTO \`${table}\` (v) VALUES ('m1'); DELETE FROM \`${table}\``));
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toBe("Multistatements aren't supported.");
    const transactionId = await begin(client);
    await rejectionOf(exec(client, 'SELECT 1; SELECT 2', { transactionId }));
    await exec(client, 'SELECT 1', { transactionId });
    await client.send(new RollbackTransactionCommand({ ...ends, transactionId }));
  });

  it('refuses an unknown cluster or secret ARN with BadRequestException', async () => {
    const cluster = await rejectionOf(exec(client, 'SELECT 1', { resourceArn: 'arn:aws:rds:us-east-1:123456789012:cluster:elsewhere' }));
    expect(cluster.name).toBe('BadRequestException');
    expect(cluster.$metadata.httpStatusCode).toBe(400);
    expect(cluster.message).toContain('elsewhere');
    const secret = await rejectionOf(exec(client, 'SELECT 1', { secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:nope' }));
    expect(secret.name).toBe('BadRequestException');
    const begin2 = await rejectionOf(client.send(new BeginTransactionCommand({ ...t, resourceArn: 'not-an-arn' })));
    expect(begin2.name).toBe('BadRequestException');
  });

  it('refuses malformed requests with BadRequestException', async () => {
    const notJson = await rawCall(server, 'Execute', '{"sql": ');
    expect([notJson.status, notJson.errorType]).toEqual([400, 'BadRequestException']);
    expect(notJson.json).toEqual({ message: expect.any(String) });
    const noSql = await rawCall(server, 'Execute', { ...t });
    expect([noSql.status, noSql.errorType]).toEqual([400, 'BadRequestException']);
    const badField = await rawCall(server, 'Execute', { ...t, sql: 'SELECT :a', parameters: [{ name: 'a', value: { longValue: 'x' } }] });
    expect([badField.status, badField.errorType]).toEqual([400, 'BadRequestException']);
    const badOption = await rawCall(server, 'Execute', { ...t, sql: 'SELECT 1', formatRecordsAs: 'XML' });
    expect([badOption.status, badOption.errorType]).toEqual([400, 'BadRequestException']);
  });

  it('refuses a missing, wrong or stale signature as AWS does, and accepts unsigned calls when checks are off', async () => {
    const unsigned = await rawCall(server, 'Execute', { ...t, sql: 'SELECT 1' }, { sign: false });
    expect([unsigned.status, unsigned.errorType, unsigned.json]).toEqual([
      403,
      'MissingAuthenticationTokenException',
      { message: 'Missing Authentication Token' },
    ]);

    const wrongSecret = sdkClient(server, { accessKeyId: 'local', secretAccessKey: 'not-local' });
    const wrong = await rejectionOf(exec(wrongSecret, 'SELECT 1'));
    expect(wrong.name).toBe('InvalidSignatureException');
    expect(wrong.$metadata.httpStatusCode).toBe(403);
    expect(wrong.message).toMatch(/^The request signature we calculated does not match the signature you provided/);
    wrongSecret.destroy();

    const wrongKey = sdkClient(server, { accessKeyId: 'AKIAOTHER', secretAccessKey: 'local' });
    const unknownKey = await rejectionOf(exec(wrongKey, 'SELECT 1'));
    expect(unknownKey.name).toBe('UnrecognizedClientException');
    expect(unknownKey.message).toBe('The security token included in the request is invalid.');
    wrongKey.destroy();

    // A signed header changed after signing.
    const tampered = await rawCall(server, 'Execute', { ...t, sql: 'SELECT 1' }, { tamper: (h) => (h['content-type'] = 'application/json; charset=utf-8') });
    expect([tampered.status, tampered.errorType]).toEqual([403, 'InvalidSignatureException']);

    const stale = await rawCall(server, 'Execute', { ...t, sql: 'SELECT 1' }, { signingDate: new Date(Date.now() - 10 * 60_000) });
    expect(stale.status).toBe(403);
    expect(stale.errorType).toBe('InvalidSignatureException');
    expect(stale.json.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);

    const open = await ownServer({ verifySignatures: false });
    const accepted = await rawCall(open, 'Execute', { ...target(open), sql: 'SELECT 1 AS one' }, { sign: false });
    expect(accepted.status).toBe(200);
    expect(accepted.json.records).toEqual([[{ longValue: 1 }]]);
  });
});

describe('limits', () => {
  it('refuses a request over the request limit (4 MiB by default) before running anything', async () => {
    const before = server.stats().statements;
    const sets = Array.from({ length: 4_500 }, (_, i) => [{ name: 'v', value: { stringValue: `${i}-${'x'.repeat(1_000)}` } }]);
    const error = await rejectionOf(
      client.send(new BatchExecuteStatementCommand({ ...t, sql: `INSERT INTO \`${table}\` (v) VALUES (:v)`, parameterSets: sets })),
    );
    expect(error.name).toBe('BadRequestException');
    expect(error.message).toMatch(/exceeds the limit of 4194304 bytes/);
    expect(server.stats().statements).toBe(before);

    const small = await ownServer({ maxRequestBytes: 2_048 });
    const smallClient = sdkClient(small);
    await exec(smallClient, 'SELECT 1');
    const over = await rejectionOf(exec(smallClient, `SELECT '${'y'.repeat(2_100)}' AS big`));
    expect(over.name).toBe('BadRequestException');
    smallClient.destroy();
  });

  it('refuses a response over the response limit (1 MiB by default), and aborts the transaction it ran in', async () => {
    const big = `SELECT REPEAT('a', 600000) AS a UNION ALL SELECT REPEAT('b', 600000)`;
    const error = await rejectionOf(exec(client, big));
    expect(error.name).toBe('BadRequestException');
    expect(error.message).toBe('Database response exceeded size limit');
    const fits = await exec(client, `SELECT REPEAT('a', 600000) AS a`);
    expect(fits.records![0]![0]!.stringValue).toHaveLength(600_000);

    const transactionId = await begin(client);
    await exec(client, `INSERT INTO \`${table}\` (v) VALUES ('big-1')`, { transactionId });
    const inTx = await rejectionOf(exec(client, big, { transactionId }));
    expect(inTx.message).toBe('Database response exceeded size limit');
    const reuse = await rejectionOf(exec(client, 'SELECT 1', { transactionId }));
    expect(reuse.name).toBe('TransactionNotFoundException');
    expect(await rowsWith('big-1')).toEqual([]);
  });

  it('holds formatRecordsAs JSON to its own limit (10 MB by default) instead of the 1 MiB of records', async () => {
    const small = await ownServer({ maxResponseBytes: 2_000, maxFormattedRecordsBytes: 6_000 });
    const smallClient = sdkClient(small);
    const sql = (n: number) => `SELECT REPEAT('a', ${n}) AS a`;
    expect((await rejectionOf(exec(smallClient, sql(3_000)))).message).toBe('Database response exceeded size limit');
    const json = await exec(smallClient, sql(3_000), { formatRecordsAs: 'JSON' });
    expect(JSON.parse(json.formattedRecords!)[0].a).toHaveLength(3_000);
    const tooBig = await rejectionOf(exec(smallClient, sql(7_000), { formatRecordsAs: 'JSON' }));
    expect(tooBig.name).toBe('BadRequestException');
    smallClient.destroy();
  });

  it('cancels a statement past the statement timeout with StatementTimeoutException', async () => {
    const quick = await ownServer({ statementTimeoutMs: 300 });
    const quickClient = sdkClient(quick);
    const started = Date.now();
    const error = await rejectionOf(exec(quickClient, `INSERT INTO \`${table}\` (v) SELECT 'timeout-killed' FROM (SELECT SLEEP(3)) s`));
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(error.name).toBe('StatementTimeoutException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.dbConnectionId).toEqual(expect.any(Number));
    const running = async () => {
      const [rows] = await direct().query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ? AND INFO IS NOT NULL', [error.dbConnectionId]);
      return Number((rows as { n: number }[])[0]!.n);
    };
    await expect.poll(running, { timeout: 5_000, interval: 25 }).toBe(0);
    expect(await rowsWith('timeout-killed')).toEqual([]);

    // continueAfterTimeout: the call still times out, but the statement runs to its end.
    const late = await rejectionOf(
      exec(quickClient, `INSERT INTO \`${table}\` (v) SELECT 'timeout-continued' FROM (SELECT SLEEP(0.6)) s`, { continueAfterTimeout: true }),
    );
    expect(late.name).toBe('StatementTimeoutException');
    await expect.poll(() => rowsWith('timeout-continued'), { timeout: 5_000, interval: 25 }).toEqual([{ v: 'timeout-continued' }]);

    // Inside a transaction, a timeout aborts it like any failed statement.
    const transactionId = await begin(quickClient);
    await exec(quickClient, `INSERT INTO \`${table}\` (v) VALUES ('timeout-tx')`, { transactionId });
    expect((await rejectionOf(exec(quickClient, 'SELECT SLEEP(3)', { transactionId }))).name).toBe('StatementTimeoutException');
    expect((await rejectionOf(exec(quickClient, 'SELECT 1', { transactionId }))).name).toBe('TransactionNotFoundException');
    await expect.poll(() => quick.openTransactions(), { timeout: 5_000, interval: 25 }).toBe(0);
    expect(await rowsWith('timeout-tx')).toEqual([]);
    quickClient.destroy();
  });

  it('answers DatabaseResumingException while the fault switch says the cluster is resuming', async () => {
    const paused = await ownServer({});
    const pausedClient = sdkClient(paused);
    paused.faults.resumingUntil = Date.now() + 60_000;
    const error = await rejectionOf(exec(pausedClient, 'SELECT 1'));
    expect(error.name).toBe('DatabaseResumingException');
    paused.faults.resumingUntil = 0;
    expect((await exec(pausedClient, 'SELECT 1 AS one')).records).toEqual([[{ longValue: 1 }]]);
    pausedClient.destroy();
  });
});
