import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { LOCAL_DEFAULTS, type LocalDataApi, startLocalDataApi } from 'local-data-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETRY } from '../../lib/runtime/container.js';
import { IdentifyService } from '../../lib/service/identify-service.js';
import { ContactRepository } from '../../lib/store/contact-repository.js';
import { DataApiExecutor } from '../../lib/store/data-api/executor.js';
import { rowsTagged, sql, stack, uniqueDigits, uniqueTag } from '../support/helpers.js';

// A client killed in the middle of a merge transaction (path 3 of docs/CONCURRENCY.md) leaves no partial merge: the local server
// rolls the transaction back when it idles out (3 minutes on AWS; 300 ms here), and its locks go with it.
const IDLE_MS = 300;
let server: LocalDataApi;

beforeAll(async () => {
  server = await startLocalDataApi({ port: 0, mysqlUrl: stack().mysqlUrl, defaultDatabase: stack().dbName, transactionIdleMs: IDLE_MS });
});
afterAll(async () => server?.close());

function serviceOn(url: string) {
  const client = new RDSDataClient({ endpoint: url, region: LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials });
  const executor = new DataApiExecutor(client, { resourceArn: LOCAL_DEFAULTS.resourceArn, secretArn: LOCAL_DEFAULTS.secretArn, database: stack().dbName });
  return new IdentifyService({ repository: new ContactRepository(executor), retry: RETRY });
}

describe('a client killed mid-transaction', () => {
  it('leaves either the whole merge or none of it, and releases its locks', async () => {
    const service = serviceOn(server.url);
    const identify = (email: string, phoneNumber: string) => service.identify({ email, phoneNumber }, { timeLeftMs: () => 20_000 });
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const george = await identify(`george.${tag}@example.com`, `${digits}1`);
    await identify(`george2.${tag}@example.com`, `${digits}1`);
    const biff = await identify(`biff.${tag}@example.com`, `${digits}2`);
    await identify(`biff2.${tag}@example.com`, `${digits}2`);
    await identify(`biff3.${tag}@example.com`, `${digits}2`);
    // Biff's primary soft-deleted from outside: the merge must also promote, which only the
    // transactional path does (a merge of tidy groups is one autocommit statement, nothing to cut).
    await sql().query('UPDATE Contact SET deletedAt = CURRENT_TIMESTAMP WHERE id = ?', [biff.response.contact.primaryContactId]);
    const before = await rowsTagged(tag);

    const child = fork(fileURLToPath(new URL('./crash-child.ts', import.meta.url)), [server.url, stack().dbName, `george.${tag}@example.com`, `${digits}2`], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const messages: unknown[] = [];
    child.on('message', (message) => messages.push(message));
    const signal = await new Promise((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    expect(messages).toEqual([{ updated: 2 }]); // biff2 and biff3 were relinked inside the transaction

    // Nothing of the uncommitted merge is visible.
    expect(await rowsTagged(tag)).toEqual(before);
    // After the idle limit the server rolls back, and the locks are free again: the same merge goes through.
    await expect.poll(() => server.openTransactions(), { timeout: 5_000, interval: 50 }).toBe(0);
    const merged = await identify(`george.${tag}@example.com`, `${digits}2`);
    expect(merged.outcome).toBe('merged');
    expect(merged.response.contact.primaryContactId).toBe(george.response.contact.primaryContactId);
    const after = (await rowsTagged(tag)).filter((row) => row.deletedAt === null);
    expect(after.filter((row) => row.linkPrecedence === 'primary').map((row) => row.id)).toEqual([george.response.contact.primaryContactId]);
    expect(after.every((row) => row.id === george.response.contact.primaryContactId || row.linkedId === george.response.contact.primaryContactId)).toBe(true);
    expect(biff.response.contact.primaryContactId).not.toBe(george.response.contact.primaryContactId);
  });
});
