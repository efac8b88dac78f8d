import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRecords, runRows, stack, storedBlocked, uniqueDigits, uniqueTag } from '../support/helpers.js';
import { check, idsNamed } from './check.js';
import { generateWorkload, workloadValues } from './overlapping-workload.js';
import { startWorkers, type Workers } from './workers.js';

/**
 * The randomized concurrency checker: several OS processes, each with its own handler instance per
 * route, fire overlapping requests over a few emails and phones on every route (/identify mostly, with
 * /lookup, /erase, /block, /unblock and /unlink mixed in); then the rows, the stored blocked values, the audit
 * records and every answer are checked against the contract (check.ts; docs/CONCURRENCY.md, "How it is
 * checked"). Replay one seed with CHECKER_SEEDS=7.
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
    it(`seed ${seed}: ${REQUESTS} overlapping requests on every route are serializable`, async () => {
      const tag = uniqueTag();
      const digits = uniqueDigits();
      const shape = { emails: 24, phones: 24, tag, digits };
      const requests = generateWorkload({ seed, requests: REQUESTS, ...shape, mix: 'all' });
      const before = await dataApiStats();
      const started = Date.now();
      const results = await workers.run(requests, WIDTH);
      const seconds = (Date.now() - started) / 1000;
      const after = await dataApiStats();
      const rows = await runRows(tag, digits, idsNamed(results));
      const blockedAtEnd = await storedBlocked(workloadValues(shape));
      const verdict = check(requests, results, rows, { blockedAtEnd, audits: await auditRecords(`${tag}-`) });
      expect(verdict.violations, `seed ${seed} (replay: CHECKER_SEEDS=${seed})`).toEqual([]);
      // The server is shared with tests running beside this one: none of theirs stays open either.
      await expect.poll(async () => (await dataApiStats()).openTransactions, { timeout: 5_000 }).toBe(0);
      // The mix did what it is for: erasures that erased, unlinks that took a value out of rows.
      expect(verdict.stats.erased).toBeGreaterThan(0);
      expect(verdict.stats.unlinked).toBeGreaterThan(0);

      // Read-backs: a lookup by a value of each live group answers exactly that group.
      const readBacks = await workers.run(
        verdict.readBacks.map((readBack, index) => ({ index, route: 'lookup' as const, body: readBack.body, email: null, phone: null })),
        8,
      );
      for (const result of readBacks) {
        expect(result.status).toBe(200);
        expect(result.body.contacts).toEqual([verdict.readBacks[result.index]!.group]);
      }

      const delta = (name: string, map: 'calls' | 'errors') => (after[map][name] ?? 0) - (before[map][name] ?? 0);
      const deadlocks = delta('DatabaseErrorException', 'errors');
      const calls = Object.keys(after.calls).reduce((sum, op) => sum + delta(op, 'calls'), 0);
      const { routes, stats } = { routes: verdict.stats.routes, stats: verdict.stats };
      summary.push(
        `  seed ${seed}: ${REQUESTS} requests (${Object.entries(routes)
          .map(([route, n]) => `${route} ${n}`)
          .join(', ')}), ${stats.refused} refused (only blocked values), ` +
          `${stats.live} live rows in ${verdict.components} groups, ${stats.tombstones} tombstones, ${stats.erased} groups erased, ` +
          `${stats.unlinked} unlinks that changed rows (${stats.split} split a group), ` +
          `${stats.answers} answered groups (${stats.valued} checked value by value), ` +
          `${(REQUESTS / seconds).toFixed(0)} req/s, ${(calls / REQUESTS).toFixed(2)} Data API calls/request, ` +
          `${((deadlocks / REQUESTS) * 1000).toFixed(1)} deadlock retries per 1000 requests`,
      );
    });
  }
});
