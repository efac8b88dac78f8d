import { BeginTransactionCommand, RollbackTransactionCommand } from '@aws-sdk/client-rds-data';
import type { PoolConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fromAnotherSession, insertPrimary, sql, uniqueTag } from '../../../test/support/helpers.js';
import { type OwnDataApi, startOwnDataApi } from '../../../test/support/own-data-api.js';
import { DataApiExecutor, type DataApiOperation } from './executor.js';

// A statement the client gives up on inside a transaction (its time ran out while it waited for a
// lock) runs on in the database, and the Data API refuses the rollback while it does. The executor
// must ask again until the rollback lands, or the statement, once it gets its lock, holds it until
// the transaction idles out (3 minutes), and every request on those rows waits behind it. Likewise a
// BeginTransaction given up on still opens a transaction, whose id only its answer carries.

let own: OwnDataApi;

beforeAll(async () => {
  // One connection: a second transaction waits at the server for the first to end.
  own = await startOwnDataApi({ server: { poolSize: 1 } });
});

afterAll(async () => {
  await own?.server.close();
});

describe('a transaction whose statement the client gave up on', () => {
  it('is rolled back once the statement ends, not left holding its locks', async () => {
    const tag = uniqueTag();
    const id = await insertPrimary(`held.${tag}@example.com`);
    // Named by the tag, so the test can see it wait among other tests' statements.
    const lock = `SELECT id AS held_${tag} FROM Contact WHERE id = :id FOR UPDATE`;
    const holder: PoolConnection = await sql().getConnection();
    await holder.query('START TRANSACTION');
    await holder.query('SELECT id FROM Contact WHERE id = ? FOR UPDATE', [id]);

    const controller = new AbortController();
    const calls: DataApiOperation[] = [];
    const executor = new DataApiExecutor(own.client, own.config, { onCall: (operation) => calls.push(operation), abortSignal: () => controller.signal });
    let settled = false;
    const given = executor
      .transaction((tx) => tx.run(lock, { id }))
      .finally(() => {
        settled = true;
      });
    given.catch(() => {});
    // The statement waits for the holder's lock; then the caller's time runs out.
    await vi.waitFor(
      async () => {
        const [rows] = await sql().query(
          "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND COMMAND = 'Query' AND INFO LIKE ?",
          [`%held_${tag}%`],
        );
        expect(Number((rows as { n: number }[])[0]!.n)).toBe(1);
      },
      { timeout: 10_000 },
    );
    controller.abort();
    // The first rollback is refused while the statement waits: it is asked again, and the call has not answered.
    await vi.waitFor(() => expect(calls.filter((call) => call === 'RollbackTransaction').length > 1 || settled).toBe(true), { timeout: 5_000 });
    expect(settled).toBe(false);

    // The holder lets go: the abandoned statement gets its lock, and the rollback lands right after.
    await holder.query('COMMIT');
    holder.release();
    await expect(given).rejects.toMatchObject({ name: 'AbortError' });
    expect(own.server.openTransactions()).toBe(0);
    expect(await fromAnotherSession({ lock: ['SELECT id FROM Contact WHERE id = ? FOR UPDATE', [id]] })).toEqual({ lock: 'done' });
  });

  it('is rolled back when it was the BeginTransaction that was given up on', async () => {
    const { resourceArn, secretArn, database } = own.config;
    const held = await own.client.send(new BeginTransactionCommand({ resourceArn, secretArn, database }));
    own.server.resetStats();
    const controller = new AbortController();
    const executor = new DataApiExecutor(own.client, own.config, { abortSignal: () => controller.signal });
    const given = executor.transaction((tx) => tx.run('SELECT 1'));
    given.catch(() => {});
    // The BeginTransaction waits at the server for its one connection; then the caller's time runs out.
    await vi.waitFor(() => expect(own.server.stats().calls.BeginTransaction).toBe(1));
    controller.abort();
    await own.client.send(new RollbackTransactionCommand({ resourceArn, secretArn, transactionId: held.transactionId }));
    // The server opens the transaction once the connection is free (ROLLBACK, then START TRANSACTION).
    await vi.waitFor(() => expect(own.server.stats().statements).toBeGreaterThanOrEqual(2));
    await expect(given).rejects.toMatchObject({ name: 'AbortError' });
    expect(own.server.openTransactions()).toBe(0);
  });
});
