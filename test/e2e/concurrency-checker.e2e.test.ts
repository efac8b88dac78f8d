import { describe, expect, it } from 'vitest';
import { check, expectedView } from '../concurrency/check.js';
import { generateWorkload } from '../concurrency/overlapping-workload.js';
import type { WorkerResult } from '../concurrency/worker.js';
import { finalRows, postIdentify, stack, uniqueDigits, uniqueTag } from '../support/helpers.js';

// The checker again, from outside as a client sees the service: overlapping signed requests over HTTP
// through the local gateway and serverless-offline at width 16 (concurrent invocations of one
// in-process handler module, docs/LOCAL-GATEWAY.md), then read-backs compared with the connected
// components of the requests.
const SEEDS = [21, 22];
const REQUESTS = 200;
const WIDTH = 16;

describe('overlapping requests over HTTP', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: ${REQUESTS} requests at width ${WIDTH} end as some serial order would`, async () => {
      const tag = uniqueTag();
      const digits = uniqueDigits();
      const requests = generateWorkload({ seed, requests: REQUESTS, emails: 24, phones: 24, tag, digits });
      const queue = [...requests];
      const results: WorkerResult[] = [];
      await Promise.all(
        Array.from({ length: WIDTH }, async () => {
          for (let request = queue.shift(); request; request = queue.shift()) {
            const startedAt = Date.now();
            const answer = await postIdentify(request.body);
            results.push({ index: request.index, status: answer.status, body: answer.json, startedAt, endedAt: Date.now() });
          }
        }),
      );
      const verdict = check(requests, results, await finalRows(tag, digits));
      expect(verdict.violations).toEqual([]);
      for (const [component, group] of verdict.groups) {
        const body = component.startsWith('e:') ? { email: component.slice(2) } : { phoneNumber: component.slice(2) };
        const answer = await postIdentify(body);
        expect(answer.status).toBe(200);
        expect(answer.json.contact).toEqual(expectedView(group));
      }
      // The server is shared with tests running beside this one: none of theirs stays open either.
      const openTransactions = async () =>
        ((await (await fetch(`${stack().dataApiUrl}/_local/stats`)).json()) as { openTransactions: number }).openTransactions;
      await expect.poll(openTransactions, { timeout: 5_000 }).toBe(0);
    });
  }
});
