import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalRows, stack, uniqueDigits, uniqueTag } from '../support/helpers.js';
import { check, expectedView } from './check.js';
import { generateWorkload } from './overlapping-workload.js';
import { startWorkers, type Workers } from './workers.js';

/**
 * The randomized concurrency checker: several OS processes, each with its own handler instance,
 * fire overlapping requests over a few emails and phones; then the rows and every response are
 * checked against the contract. Replay one seed with CHECKER_SEEDS=7.
 */
const SEEDS = (process.env.CHECKER_SEEDS ?? '1,2,3,4,5,6,7,8,9,10').split(',').map(Number);
const REQUESTS = Number(process.env.CHECKER_REQUESTS ?? 300);
const PROCESSES = 4;
const WIDTH = 32;

let workers: Workers;
const summary: string[] = [];

async function dataApiStats() {
  return (await (await fetch(`${stack().dataApiUrl}/_local/stats`)).json()) as {
    calls: Record<string, number>;
    errors: Record<string, number>;
    openTransactions: number;
  };
}

beforeAll(async () => {
  workers = await startWorkers(PROCESSES, stack().handlerEnv);
});

afterAll(async () => {
  await workers?.stop();
  if (summary.length) console.log(`concurrency checker (${PROCESSES} processes, width ${WIDTH}):\n${summary.join('\n')}`);
});

describe('randomized concurrency checker', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: ${REQUESTS} overlapping requests are serializable`, async () => {
      const tag = uniqueTag();
      const digits = uniqueDigits();
      const requests = generateWorkload({ seed, requests: REQUESTS, emails: 24, phones: 24, tag, digits });
      const before = await dataApiStats();
      const started = Date.now();
      const results = await workers.run(requests, WIDTH);
      const seconds = (Date.now() - started) / 1000;
      const after = await dataApiStats();
      const rows = await finalRows(tag, digits);
      const verdict = check(requests, results, rows);
      expect(verdict.violations, `seed ${seed} (replay: CHECKER_SEEDS=${seed})`).toEqual([]);
      // The server is shared with tests running beside this one: none of theirs stays open either.
      await expect.poll(async () => (await dataApiStats()).openTransactions, { timeout: 5_000 }).toBe(0);

      // Read-backs: one request per component answers exactly its final group.
      for (const [component, group] of verdict.groups) {
        const [kind, value] = [component.slice(0, 1), component.slice(2)];
        const body = kind === 'e' ? { email: value } : { phoneNumber: value };
        const [result] = await workers.run([{ index: 0, body, email: null, phone: null }], 1);
        expect(result!.status).toBe(200);
        expect(result!.body.contact).toEqual(expectedView(group));
      }

      const delta = (name: string, map: 'calls' | 'errors') => (after[map][name] ?? 0) - (before[map][name] ?? 0);
      const deadlocks = delta('DatabaseErrorException', 'errors');
      const calls = Object.keys(after.calls).reduce((sum, op) => sum + delta(op, 'calls'), 0);
      summary.push(
        `  seed ${seed}: ${REQUESTS} requests, ${rows.length} rows, ${verdict.components} groups, ` +
          `${(REQUESTS / seconds).toFixed(0)} req/s, ${(calls / REQUESTS).toFixed(2)} Data API calls/request, ` +
          `${((deadlocks / REQUESTS) * 1000).toFixed(1)} deadlock retries per 1000 requests`,
      );
    });
  }
});
