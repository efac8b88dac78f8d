import { Metrics } from '@aws-lambda-powertools/metrics';
import type { LocalDataApi } from 'local-data-api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { uniqueDigits, uniqueTag } from './support/helpers.js';
import { type Handler, invoke } from './support/lambda-events.js';
import { type OwnDataApi, startOwnDataApi } from './support/own-data-api.js';

// Metrics in CloudWatch embedded metric format, one document per invocation, written to stdout.
let server: LocalDataApi;
let handler: Handler;
let handlers: OwnDataApi['handlers'];

beforeAll(async () => {
  const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  const metrics = new Metrics({ namespace: 'Identify', serviceName: 'identify' });
  process.env.POWERTOOLS_METRICS_DISABLED = disabled;
  ({ server, handler, handlers } = await startOwnDataApi({ metrics }));
});
afterAll(async () => server?.close());

interface Emf {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}

async function emitted(action: () => Promise<unknown>): Promise<Emf[]> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await action();
  } finally {
    spy.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Emf)
    .filter((doc) => 'Requests' in doc);
}

describe('metrics', () => {
  it('count requests by outcome, Data API calls and retries per request, and time the reconciliation', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const docs = await emitted(async () => {
      await invoke(handler, { email: `a.${tag}@x.io`, phoneNumber: `${digits}1` }); // created: read + insert
      await invoke(handler, { email: `b.${tag}@x.io`, phoneNumber: `${digits}1` }); // linked: read + insert
      await invoke(handler, { email: `a.${tag}@x.io` }); // read
      await invoke(handler, { email: 'not an email' }); // rejected
      server.faults.unreachable = true;
      await invoke(handler, { email: `a.${tag}@x.io` }, { budgetMs: 1_500 }); // unavailable, after retries
      server.faults.unreachable = false;
    });
    expect(docs.map((doc) => doc.outcome)).toEqual(['created', 'linked', 'read', 'rejected', 'unavailable']);
    expect(docs.map((doc) => doc.DataApiCalls)).toEqual([2, 2, 1, 0, expect.any(Number)]);
    expect(docs[4]!.Retries).toBeGreaterThan(0);
    for (const doc of docs) {
      const [directive] = doc._aws.CloudWatchMetrics;
      expect(directive!.Namespace).toBe('Identify');
      expect(directive!.Dimensions[0]).toContain('outcome');
      expect(doc.service).toBe('identify');
    }
    expect(typeof docs[0]!.ReconcileLatency).toBe('number');
    expect(docs[3]!.ReconcileLatency).toBeUndefined();
  });

  it('record the size of the group each answer holds (GroupSize)', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const docs = await emitted(async () => {
      await invoke(handler, { email: `a.${tag}@x.io`, phoneNumber: `${digits}1` }); // group of 1
      await invoke(handler, { email: `b.${tag}@x.io`, phoneNumber: `${digits}1` }); // group of 2
      await invoke(handler, { email: `c.${tag}@x.io`, phoneNumber: `${digits}1` }); // group of 3
      await invoke(handler, { email: `b.${tag}@x.io` }); // read: group of 3
      await invoke(handler, { email: 'not an email' }); // rejected: no group
    });
    expect(docs.map((doc) => [doc.outcome, doc.GroupSize])).toEqual([
      ['created', 1],
      ['linked', 2],
      ['linked', 3],
      ['read', 3],
      ['rejected', undefined],
    ]);
    const directive = docs[0]!._aws.CloudWatchMetrics[0]!;
    expect(directive.Metrics).toContainEqual({ Name: 'GroupSize', Unit: 'Count' });
  });

  it('of /lookup, /erase, /block and /unblock: one document per invocation, by route, with no email or phone in it', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const values = [`a.${tag}@x.io`, `b.${tag}@x.io`, `${digits}1`, `${digits}2`];
    const send = (route: keyof OwnDataApi['handlers'], body: unknown) => invoke(handlers[route], body, { path: `/${route}` });
    const docs = await emitted(async () => {
      await send('identify', { email: values[0], phoneNumber: values[2] });
      await send('lookup', { email: values[0] });
      await send('block', { email: values[1], phoneNumber: values[3] });
      await send('lookup', { email: values[1] }); // only a blocked value: 400
      await send('unblock', { phoneNumber: values[3] });
      await send('erase', { phoneNumber: values[2], suppress: true });
    });
    expect(docs.map((doc) => doc.route)).toEqual(['POST /identify', 'POST /lookup', 'POST /block', 'POST /lookup', 'POST /unblock', 'POST /erase']);
    expect(docs[3]!.outcome).toBe('rejected');
    for (const doc of docs.filter((_, i) => i !== 3)) expect(doc.DataApiCalls).toBeGreaterThan(0);
    for (const doc of docs) {
      for (const secret of [...values, tag, digits]) expect(JSON.stringify(doc)).not.toContain(secret);
    }
  });
});
