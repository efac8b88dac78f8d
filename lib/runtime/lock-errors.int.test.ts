import { LOCAL_DEFAULTS } from 'local-data-api';
import { describe, expect, it } from 'vitest';
import { dataApiClient, insertPrimary, sql, stack, uniqueTag } from '../../test/support/helpers.js';
import { DataApiExecutor } from '../store/data-api/executor.js';
import type { SqlExecutor } from '../store/sql-executor.js';
import { classifyTransient } from './retry.js';

// The errors the retry policy (lib/runtime/retry.ts) matches by code and text, made by the real engine
// (CI runs this on MariaDB and on MySQL) and carried as the Data API words them: a deadlock (1213)
// and a lock wait timeout (1205) are conflicts, retried from the first read; a duplicate key (1062)
// is not transient.
const executor = new DataApiExecutor(dataApiClient(), {
  resourceArn: LOCAL_DEFAULTS.resourceArn,
  secretArn: LOCAL_DEFAULTS.secretArn,
  database: stack().dbName,
});

async function twoRows(): Promise<[number, number]> {
  const tag = uniqueTag();
  return [await insertPrimary(`a.${tag}@example.com`), await insertPrimary(`b.${tag}@example.com`)];
}

const LOCK = 'SELECT id FROM Contact WHERE id = :id FOR UPDATE';

/** The error `work` failed with (it must fail). */
async function failure(work: Promise<unknown>): Promise<Error> {
  const outcome = await work.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(Error);
  return outcome as Error;
}

describe('lock errors from the engine, through the Data API (MySQL and MariaDB alike)', () => {
  it('a deadlock is 1213, a conflict to retry', async () => {
    const [a, b] = await twoRows();
    let firstLocks = 0;
    let bothLocked: () => void = () => {};
    const locked = new Promise<void>((resolve) => {
      bothLocked = resolve;
    });
    // Each takes one row, waits until the other has its row, then asks for the other's: one of them is the victim.
    const crossing = (first: number, second: number) =>
      executor.transaction(async (tx: SqlExecutor) => {
        await tx.run(LOCK, { id: first });
        if (++firstLocks === 2) bothLocked();
        await locked;
        await tx.run(LOCK, { id: second });
      });
    const outcomes = await Promise.allSettled([crossing(a, b), crossing(b, a)]);
    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => outcome.reason as Error);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.name).toBe('DatabaseErrorException');
    expect(rejected[0]!.message).toBe('Database error code: 1213. Message: Deadlock found when trying to get lock; try restarting transaction');
    expect(classifyTransient(rejected[0])).toBe('conflict');
  });

  it('a lock wait timeout is 1205, a conflict to retry', async () => {
    const [a] = await twoRows();
    await executor.transaction(async (holder: SqlExecutor) => {
      await holder.run(LOCK, { id: a });
      const error = await failure(
        executor.transaction(async (waiter: SqlExecutor) => {
          await waiter.run('SET SESSION innodb_lock_wait_timeout = 1');
          await waiter.run(LOCK, { id: a });
        }),
      );
      expect(error.name).toBe('DatabaseErrorException');
      expect(error.message).toBe('Database error code: 1205. Message: Lock wait timeout exceeded; try restarting transaction');
      expect(classifyTransient(error)).toBe('conflict');
    });
  });

  it('a duplicate key is 1062, not transient', async () => {
    const table = `dup_${uniqueTag()}`;
    await sql().query(`CREATE TABLE ${table} (id INT PRIMARY KEY)`);
    try {
      await executor.run(`INSERT INTO ${table} VALUES (1)`);
      const error = await failure(executor.run(`INSERT INTO ${table} VALUES (1)`));
      expect(error.name).toBe('DatabaseErrorException');
      expect(error.message).toMatch(new RegExp(`^Database error code: 1062\\. Message: Duplicate entry '1' for key '(${table}\\.)?PRIMARY'$`));
      expect(classifyTransient(error)).toBeUndefined();
    } finally {
      await sql().query(`DROP TABLE ${table}`);
    }
  });
});
