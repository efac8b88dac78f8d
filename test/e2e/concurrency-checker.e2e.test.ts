import { describe, expect, it } from 'vitest';
import { check, idsNamed } from '../concurrency/check.js';
import { generateWorkload, workloadValues } from '../concurrency/overlapping-workload.js';
import type { WorkerResult } from '../concurrency/worker.js';
import { postIdentify, runRows, stack, storedBlocked, uniqueDigits, uniqueTag } from '../support/helpers.js';

// The checker again, from outside as a client sees the service: overlapping signed requests on every
// route (/identify mostly, /lookup, /erase, /block, /unblock, /unlink) over HTTP through the local gateway and
// serverless-offline at width 16 (concurrent invocations of one in-process handler module per route,
// docs/LOCAL-GATEWAY.md), then the same verdicts as test/concurrency/checker.int.test.ts (the audit
// records aside: their request ids are the gateway's) and read-backs of every live group.
const SEEDS = [21, 22];
const REQUESTS = 200;
const WIDTH = 16;

describe('overlapping requests over HTTP', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: ${REQUESTS} requests on every route at width ${WIDTH} end as some serial order would`, async () => {
      const tag = uniqueTag();
      const digits = uniqueDigits();
      const shape = { emails: 24, phones: 24, tag, digits };
      const requests = generateWorkload({ seed, requests: REQUESTS, ...shape, mix: 'all' });
      const queue = [...requests];
      const results: WorkerResult[] = [];
      await Promise.all(
        Array.from({ length: WIDTH }, async () => {
          for (let request = queue.shift(); request; request = queue.shift()) {
            const startedAt = Date.now();
            const answer = await postIdentify(request.body, undefined, { path: `/${request.route ?? 'identify'}` });
            results.push({ index: request.index, status: answer.status, body: answer.json, startedAt, endedAt: Date.now() });
          }
        }),
      );
      const rows = await runRows(tag, digits, idsNamed(results));
      const verdict = check(requests, results, rows, { blockedAtEnd: await storedBlocked(workloadValues(shape)) });
      expect(verdict.violations).toEqual([]);
      expect(Object.keys(verdict.stats.routes).sort()).toEqual(['block', 'erase', 'identify', 'lookup', 'unblock', 'unlink']);
      for (const readBack of verdict.readBacks) {
        const answer = await postIdentify(readBack.body, undefined, { path: '/lookup' });
        expect(answer.status).toBe(200);
        expect(answer.json.contacts).toEqual([readBack.group]);
      }
      // The server is shared with tests running beside this one: none of theirs stays open either.
      const openTransactions = async () =>
        ((await (await fetch(`${stack().dataApiUrl}/_local/stats`)).json()) as { openTransactions: number }).openTransactions;
      await expect.poll(openTransactions, { timeout: 5_000 }).toBe(0);
    });
  }
});
