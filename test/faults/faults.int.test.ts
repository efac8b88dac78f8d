import { createHash } from 'node:crypto';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { LOCAL_DEFAULTS, type LocalDataApi } from 'local-data-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildHandler as buildEraseHandler } from '../../functions/erase.js';
import type { Config } from '../../lib/runtime/config.js';
import { createDependencies, RETRY } from '../../lib/runtime/container.js';
import { IdentifyService } from '../../lib/service/identify-service.js';
import { ContactRepository } from '../../lib/store/contact-repository.js';
import { DataApiExecutor } from '../../lib/store/data-api/executor.js';
import type { SqlExecutor } from '../../lib/store/sql-executor.js';
import { check } from '../concurrency/check.js';
import { generateWorkload } from '../concurrency/overlapping-workload.js';
import { finalRows, rowsTagged, sql, stack, uniqueDigits, uniqueTag } from '../support/helpers.js';
import { type Handler, invoke } from '../support/lambda-events.js';
import { startOwnDataApi } from '../support/own-data-api.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

// Faults made on purpose against a real MySQL or MariaDB: the database cut off mid-load (a TCP proxy between
// the local Data API server and the database), in the middle of a merge or of an erasure, Aurora resuming
// from pause, the writer unreachable.
// Every answer must be a 200 with the right group or a 503 with Retry-After; never a 500.

let proxy: TcpProxy;
let server: LocalDataApi;
let handler: Handler;
let client: RDSDataClient;
let config: Config;

beforeAll(async () => {
  const mysqlPort = Number(new URL(stack().mysqlUrl).port || 3306);
  proxy = await startTcpProxy({ host: '127.0.0.1', port: mysqlPort });
  ({ server, handler, client, config } = await startOwnDataApi({ server: { mysqlUrl: `mysql://root@127.0.0.1:${proxy.port}` } }));
});

afterAll(async () => {
  await server?.close();
  await proxy?.close();
});

beforeEach(() => {
  proxy.restore();
  server.faults.unreachable = false;
  server.faults.resumingUntil = 0;
});

function expectUnavailable(answer: Awaited<ReturnType<typeof invoke>>) {
  expect(answer.status).toBe(503);
  expect(Number(answer.headers['Retry-After'])).toBeGreaterThan(0);
  expect(answer.json.message).toMatch(/retry/i);
}

describe('the database cut off while requests flow', () => {
  it('answers only 200s with right groups and 503s with Retry-After; afterwards every invariant holds', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const requests = generateWorkload({ seed: 101, requests: 240, emails: 24, phones: 24, tag, digits });
    const results: { index: number; status: number; body: any; startedAt: number; endedAt: number; retryAfter?: string }[] = [];
    const queue = [...requests];
    let done = 0;
    let cut: Promise<void> | undefined;
    const lane = async () => {
      for (let request = queue.shift(); request; request = queue.shift()) {
        if (done === 60 && !cut) {
          cut = (async () => {
            proxy.sever();
            await new Promise((r) => setTimeout(r, 2_500));
            proxy.restore();
          })();
        }
        const startedAt = Date.now();
        const answer = await invoke(handler, request.body, { budgetMs: 1_500 });
        results.push({
          index: request.index,
          status: answer.status,
          body: answer.json,
          startedAt,
          endedAt: Date.now(),
          retryAfter: answer.headers['Retry-After'],
        });
        done++;
      }
    };
    await Promise.all(Array.from({ length: 16 }, lane));
    await cut;

    const statuses: Record<number, number> = {};
    for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    console.log(`cut mid-load: ${requests.length} requests, statuses ${JSON.stringify(statuses)}`);
    expect(Object.keys(statuses).sort()).toEqual(['200', '503']);
    for (const r of results.filter((r) => r.status === 503)) expect(Number(r.retryAfter)).toBeGreaterThan(0);

    // The callers honour Retry-After: the refused requests come back once the database is back.
    const final = [...results.filter((r) => r.status === 200)];
    for (const r of results.filter((r) => r.status === 503)) {
      const startedAt = Date.now();
      const answer = await invoke(handler, requests[r.index]!.body);
      final.push({ index: r.index, status: answer.status, body: answer.json, startedAt, endedAt: Date.now() });
    }
    // A request cut off may have written before its 503: its row is then answered only by its retry.
    const verdict = check(requests, final, await finalRows(tag, digits), { everyWriteAnswered: false });
    expect(verdict.violations).toEqual([]);
    expect(server.openTransactions()).toBe(0);
  });
});

describe('a cut in the middle of a merge transaction', () => {
  it('leaves the whole merge or none of it', async () => {
    const executor = new DataApiExecutor(client, config);
    const identify = (service: IdentifyService, email: string, phoneNumber: string) => service.identify({ email, phoneNumber }, { timeLeftMs: () => 1_500 });
    const plain = new IdentifyService({ repository: new ContactRepository(executor), retry: RETRY });
    // The same service, but the database goes away right after the merge's UPDATE, before COMMIT.
    const cutting = (inner: SqlExecutor): SqlExecutor => ({
      async run(text, params) {
        const result = await inner.run(text, params);
        if (/^\s*UPDATE Contact/.test(text)) proxy.sever();
        return result;
      },
      transaction: (work) => inner.transaction((tx) => work(cutting(tx))),
    });
    const cut = new IdentifyService({ repository: new ContactRepository(cutting(executor)), retry: RETRY });

    const tag = uniqueTag();
    const digits = uniqueDigits();
    const george = await identify(plain, `george.${tag}@example.com`, `${digits}1`);
    const biff = await identify(plain, `biff.${tag}@example.com`, `${digits}2`);
    await identify(plain, `biff2.${tag}@example.com`, `${digits}2`);
    await identify(plain, `biff3.${tag}@example.com`, `${digits}2`);
    // Biff's primary soft-deleted from outside: this merge takes the transactional path (path 3).
    await sql().query('UPDATE Contact SET deletedAt = CURRENT_TIMESTAMP WHERE id = ?', [biff.response.contact.primaryContactId]);
    const before = await rowsTagged(tag);

    await expect(identify(cut, `george.${tag}@example.com`, `${digits}2`)).rejects.toMatchObject({ statusCode: 503 });
    proxy.restore();
    expect(await rowsTagged(tag)).toEqual(before); // none of it

    const merged = await identify(plain, `george.${tag}@example.com`, `${digits}2`);
    expect(merged.outcome).toBe('merged');
    const after = (await rowsTagged(tag)).filter((row) => row.deletedAt === null);
    expect(after.map((row) => [row.linkPrecedence, row.linkedId])).toEqual([
      ['primary', null],
      ['secondary', george.response.contact.primaryContactId],
      ['secondary', george.response.contact.primaryContactId],
    ]); // all of it
  });
});

describe('an erasure cut off by an outage', () => {
  // The database goes away before the erasure reaches it, right after one statement of its transaction
  // (the lock, the suppression, the tombstones, the audit record), or once its commit went through but
  // before the answer came back: each time the answer is 503 with Retry-After, and the group is
  // untouched (all live, every value in place, no audit record, nothing blocked) or wholly erased
  // with its audit record (only when the commit went through). Never anything between.
  type Cut = { where: string; after?: RegExp; at?: 'start' | 'commit'; whole: boolean; suppressOnly?: boolean };
  const CUTS: Cut[] = [
    { where: 'before it starts', at: 'start', whole: false },
    { where: 'after the lock', after: /FOR UPDATE/, whole: false },
    { where: 'after the suppression', after: /^\s*INSERT IGNORE INTO BlockedValue/, whole: false, suppressOnly: true },
    { where: 'after the tombstones', after: /^\s*UPDATE Contact/, whole: false },
    { where: 'after the audit record', after: /^\s*INSERT INTO AuditRecord/, whole: false },
    { where: 'once the commit went through, before its answer', at: 'commit', whole: true },
  ];
  const sha256 = (value: string) => createHash('sha256').update(value).digest();
  let cutAtCommit = false;
  let committing: RDSDataClient;
  beforeAll(() => {
    committing = new RDSDataClient({ endpoint: server.url, region: LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials, maxAttempts: 1 });
    committing.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (cutAtCommit && context.commandName === 'CommitTransactionCommand') {
          cutAtCommit = false;
          proxy.sever();
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        return out;
      },
      { step: 'initialize', name: 'cutAfterCommit' },
    );
  });
  afterAll(() => committing?.destroy());

  for (const cut of CUTS) {
    for (const suppress of cut.suppressOnly ? [true] : [false, true]) {
      it(`${cut.where}${suppress ? ', with suppress' : ''}: 503 with Retry-After, and ${cut.whole ? 'all' : 'none'} of it`, async () => {
        let armed = true;
        const cutting = (inner: SqlExecutor): SqlExecutor => ({
          async run(text, params) {
            const result = await inner.run(text, params);
            if (armed && cut.after?.test(text)) {
              armed = false;
              proxy.sever();
            }
            return result;
          },
          transaction: (work) => inner.transaction((tx) => work(cutting(tx))),
        });
        const erase = buildEraseHandler(createDependencies(config, { executor: cutting(new DataApiExecutor(committing, config)) })) as Handler;

        const tag = uniqueTag();
        const digits = uniqueDigits();
        const values = [`lorraine.${tag}@x.io`, `george.${tag}@x.io`, `${digits}1`, `${digits}2`];
        await invoke(handler, { email: values[0], phoneNumber: values[2] });
        await invoke(handler, { email: values[1], phoneNumber: values[2] });
        await invoke(handler, { email: values[1], phoneNumber: values[3] });
        const before = await rowsTagged(tag);
        expect(before).toHaveLength(3);
        const requestId = `cut-${tag}`;

        if (cut.at === 'start') proxy.sever();
        cutAtCommit = cut.at === 'commit';
        const answer = await invoke(erase, { email: values[0], ...(suppress ? { suppress } : {}) }, { path: '/erase', requestId, budgetMs: 1_500 });
        proxy.restore();
        expectUnavailable(answer);
        // The cut happened where it was meant to.
        if (cut.after) expect(armed).toBe(false);
        if (cut.at === 'commit') expect(cutAtCommit).toBe(false);

        const [stored] = await sql().query('SELECT id, email, phoneNumber, linkedId, linkPrecedence, deletedAt FROM Contact WHERE id IN (?) ORDER BY id', [
          before.map((row) => row.id),
        ]);
        const rows = stored as typeof before;
        const [audits] = await sql().query('SELECT answer FROM AuditRecord WHERE requestId = ?', [requestId]);
        const records = (audits as { answer: string }[]).map((record) => JSON.parse(record.answer));
        const [blocked] = await sql().query('SELECT COUNT(*) AS n FROM BlockedValue WHERE valueHash IN (?)', [values.map(sha256)]);
        const blockedCount = Number((blocked as { n: number }[])[0]!.n);
        if (cut.whole) {
          // All of it: every row a tombstone, its audit record, with suppress every value of the group blocked.
          for (const row of rows) expect(row).toMatchObject({ email: null, phoneNumber: null, deletedAt: expect.any(String) });
          expect(records).toEqual([{ erased: { contacts: 3, primaryContactIds: [before[0]!.id] } }]);
          expect(blockedCount).toBe(suppress ? values.length : 0);
        } else {
          // None of it: the rows as they were, no audit record, nothing blocked.
          expect(rows).toEqual(before);
          expect(records).toEqual([]);
          expect(blockedCount).toBe(0);
        }
        expect(server.openTransactions()).toBe(0);

        // Sent again once the database is back, the erasure completes (or finds it done).
        const again = await invoke(erase, { email: values[0], ...(suppress ? { suppress } : {}) }, { path: '/erase', requestId: `${requestId}-again` });
        expect(again.status).toBe(200);
        expect(again.json.erased.contacts).toBe(cut.whole ? 0 : 3);
        expect((await rowsTagged(tag)).filter((row) => row.deletedAt === null)).toEqual([]);
      });
    }
  }
});

describe('the database hangs (no error, no answer)', () => {
  it('answers 503 with Retry-After before the invocation runs out, and recovers', async () => {
    const tag = uniqueTag();
    proxy.stall();
    const started = Date.now();
    const answer = await invoke(handler, { email: `hang.${tag}@example.com` }, { budgetMs: 3_000 });
    const took = Date.now() - started;
    proxy.restore();
    expectUnavailable(answer);
    expect(took).toBeLessThan(3_000); // answered by the handler, not cut off by Lambda's timeout
    const again = await invoke(handler, { email: `hang.${tag}@example.com` });
    expect(again.status).toBe(200);
  });
});

describe('Aurora resuming from pause (DatabaseResumingException)', () => {
  it('waits it out within the invocation and answers 200', async () => {
    server.faults.resumingUntil = Date.now() + 1_200;
    const tag = uniqueTag();
    const answer = await invoke(handler, { email: `sleepy.${tag}@example.com` }, { budgetMs: 10_000 });
    expect(answer.status).toBe(200);
    expect(answer.json.contact.emails).toEqual([`sleepy.${tag}@example.com`]);
    expect(server.stats().errors.DatabaseResumingException).toBeGreaterThan(0);
  });

  it('answers 503 with a Retry-After of 15 s when the invocation runs out of time first', async () => {
    server.faults.resumingUntil = Date.now() + 60_000;
    const tag = uniqueTag();
    const answer = await invoke(handler, { email: `sleepy.${tag}@example.com` }, { budgetMs: 800 });
    expectUnavailable(answer);
    expect(answer.headers['Retry-After']).toBe('15');
    expect(await rowsTagged(tag)).toEqual([]);
  });
});

describe('the writer unreachable (DatabaseUnavailableException)', () => {
  it('answers 503 with Retry-After, writes nothing, and recovers when it is back', async () => {
    server.faults.unreachable = true;
    const tag = uniqueTag();
    const answer = await invoke(handler, { email: `down.${tag}@example.com` }, { budgetMs: 800 });
    expectUnavailable(answer);
    server.faults.unreachable = false;
    expect(await rowsTagged(tag)).toEqual([]);
    const again = await invoke(handler, { email: `down.${tag}@example.com` });
    expect(again.status).toBe(200);
  });
});
