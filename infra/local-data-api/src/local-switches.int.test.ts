import { ExecuteStatementCommand, type RDSDataClient } from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalDataApi } from './server.js';
import { rejectionOf, sdkClient, startServer, target } from './test-support.js';

// The local switches (not on AWS): /_local/stats counts what the server did, /_local/faults makes
// every call answer as AWS does when the cluster resumes or is gone.

let server: LocalDataApi;
let client: RDSDataClient;

beforeAll(async () => {
  server = await startServer();
  client = sdkClient(server);
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
});

const local = async (path: string, body?: unknown) => {
  const response = await fetch(`${server.url}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as any };
};
const selectOne = () => client.send(new ExecuteStatementCommand({ ...target(server), sql: 'SELECT 1' }));

describe('/_local/stats', () => {
  it('counts calls by operation, statements and errors, and open transactions', async () => {
    server.resetStats();
    await selectOne();
    await rejectionOf(client.send(new ExecuteStatementCommand({ ...target(server), sql: 'SELECT * FROM no_such_table_here' })));
    // Three statements: the two calls', and the ROLLBACK that cleans the failed call's connection
    // (sent once the call has answered) before another call gets it.
    const expected = { calls: { Execute: 2 }, statements: 3, errors: { DatabaseErrorException: 1 } };
    await expect.poll(() => server.stats(), { timeout: 5_000, interval: 10 }).toEqual(expected);
    const { status, json } = await local('/_local/stats');
    expect(status).toBe(200);
    expect(json).toEqual({ ...expected, openTransactions: 0 });
  });
});

describe('/_local/faults', () => {
  it('answers DatabaseResumingException while resuming, DatabaseUnavailableException while unreachable, and clears', async () => {
    expect((await local('/_local/faults', { resumingForMs: 60_000 })).json.resumingForMs).toBeGreaterThan(59_000);
    const resuming = await rejectionOf(selectOne());
    expect(resuming.name).toBe('DatabaseResumingException');
    expect(resuming.message).toContain(server.resourceArn);

    expect((await local('/_local/faults', { resumingForMs: 0, unreachable: true })).json).toEqual({ resumingForMs: 0, unreachable: true });
    const unreachable = await rejectionOf(selectOne());
    expect(unreachable.name).toBe('DatabaseUnavailableException');
    expect(unreachable.$metadata.httpStatusCode).toBe(504);

    expect((await local('/_local/faults', { unreachable: false })).json).toEqual({ resumingForMs: 0, unreachable: false });
    expect((await local('/_local/faults')).json).toEqual({ resumingForMs: 0, unreachable: false });
    expect((await selectOne()).records).toEqual([[{ longValue: 1 }]]);
  });

  it('refuses a body that is not a JSON object, and keeps the switches as they were', async () => {
    const response = await fetch(`${server.url}/_local/faults`, { method: 'POST', body: '[1]' });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    expect((await local('/_local/faults')).json).toEqual({ resumingForMs: 0, unreachable: false });
    expect(server.faults.unreachable).toBe(false);
  });
});
