import type { PoolConnection } from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import type { DataApiError } from './errors.js';
import { isDdl } from './json-columns.js';
import { TransactionStore } from './transactions.js';

/** A stand-in for a pinned connection: records what the store did with it. */
function fakeConnection() {
  const events: string[] = [];
  return { events, connection: { destroy: () => events.push('destroy') } as unknown as PoolConnection };
}

const stores: TransactionStore[] = [];
function store(limits = { idleMs: 60_000, maxLifetimeMs: 3_600_000 }) {
  const ended: string[] = [];
  const s = new TransactionStore(limits, {
    end: async (_connection, statement) => {
      ended.push(statement);
    },
  });
  stores.push(s);
  return { s, ended };
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.closeAll()));
});

function thrown(fn: () => unknown): DataApiError {
  try {
    fn();
  } catch (error) {
    return error as DataApiError;
  }
  throw new Error('expected an error');
}

describe('TransactionStore', () => {
  it('hands out opaque ids of at most 192 characters, all different', () => {
    const { s } = store();
    const ids = new Set(Array.from({ length: 100 }, () => s.add(fakeConnection().connection).id));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(192);
  });

  it('refuses a second claim while one runs, and allows it after release', () => {
    const { s } = store();
    const tx = s.add(fakeConnection().connection);
    s.claim(tx.id);
    const busy = thrown(() => s.claim(tx.id));
    expect([busy.name, busy.message]).toEqual(['DatabaseErrorException', 'Transaction is still running a query']);
    s.release(tx);
    expect(s.claim(tx.id)).toBe(tx);
  });

  it('says why an id is not found: unknown, ended, aborted, expired', async () => {
    const { s, ended } = store({ idleMs: 10, maxLifetimeMs: 3_600_000 });
    expect(thrown(() => s.claim('nope')).message).toBe("Transaction nope isn't found. Transaction may be expired.");

    const committed = s.add(fakeConnection().connection);
    await s.finish(s.claim(committed.id), 'COMMIT');
    expect(thrown(() => s.claim(committed.id)).message).toContain('One previous call resulted in a termination of your transaction.');

    const failed = s.add(fakeConnection().connection);
    await s.abort(s.claim(failed.id), 'boom');
    const aborted = thrown(() => s.claim(failed.id));
    expect([aborted.name, aborted.status]).toEqual(['TransactionNotFoundException', 404]);
    expect(aborted.message).toContain('Transaction has been aborted due to an error from a previous call.');
    expect(s.rollbackAborted(failed.id)).toBe(true);
    expect(s.rollbackAborted(failed.id)).toBe(false);

    const idle = s.add(fakeConnection().connection);
    await s.sweep(Date.now() + 1_000);
    expect(thrown(() => s.claim(idle.id)).message).toContain('Transaction may be expired.');
    expect(ended).toEqual(['COMMIT', 'ROLLBACK', 'ROLLBACK']);
    expect(s.size).toBe(0);
  });

  it('rolls back an aborted transaction only once its failed statement has settled', async () => {
    const { s, ended } = store();
    const tx = s.add(fakeConnection().connection);
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const done = s.abort(s.claim(tx.id), 'timeout', settled);
    await Promise.resolve();
    expect(ended).toEqual([]);
    expect(s.size).toBe(0);
    settle();
    await done;
    expect(ended).toEqual(['ROLLBACK']);
  });

  it('destroys the connection of a transaction past its lifetime while a statement runs', async () => {
    const { s, ended } = store({ idleMs: 60_000, maxLifetimeMs: 100 });
    const { connection, events } = fakeConnection();
    const tx = s.add(connection);
    s.claim(tx.id);
    await s.sweep(Date.now() + 1_000);
    expect(events).toEqual(['destroy']);
    expect(ended).toEqual([]);
    expect(s.size).toBe(0);
  });
});

describe('isDdl', () => {
  it.each([
    ['CREATE TABLE t (a INT)', true],
    ['  alter table t add b int', true],
    ['/* x */ DROP TABLE t', true],
    ['-- c\nRENAME TABLE a TO b', true],
    ['TRUNCATE t', true],
    ['SELECT 1', false],
    ['INSERT INTO created (a) VALUES (1)', false],
  ])('%s: %s', (sql, ddl) => {
    expect(isDdl(sql)).toBe(ddl);
  });
});
