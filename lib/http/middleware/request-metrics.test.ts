import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { apiEvent, lambdaContext } from '../../../test/support/lambda-events.js';
import { throughChain } from '../../../test/support/middy-chain.js';
import { BadInput, Unavailable } from '../../errors.js';
import { countDataApiCall, countRetry, recordGroupSize, recordOutcome, requestScopeOf, runInRequestScope } from '../../runtime/request-scope.js';
import { createMetrics, requestMetrics } from './request-metrics.js';

/** One invocation through requestMetrics; what it added to `metrics`, serialised as CloudWatch would receive it. */
async function recorded(work: () => Promise<unknown>, metrics = new Metrics({ namespace: 'Identify', serviceName: 'identify' })) {
  const context = lambdaContext();
  const answer = await throughChain([], apiEvent('{}'), {
    context,
    outer: [requestMetrics(metrics)],
    handler: () => runInRequestScope(context, undefined, work),
  });
  const emf = metrics.serializeMetrics() as unknown as Record<string, unknown>;
  return { answer, emf, scope: requestScopeOf(context) };
}

describe('requestMetrics', () => {
  it('records an answer: outcome, calls, retries, latency and group size', async () => {
    const { answer, emf } = await recorded(async () => {
      countDataApiCall();
      countDataApiCall();
      countRetry();
      recordOutcome('linked', 12);
      recordGroupSize(3);
    });
    expect(answer.status).toBe(200);
    expect(emf).toMatchObject({ outcome: 'linked', Requests: 1, DataApiCalls: 2, Retries: 1, ReconcileLatency: 12, GroupSize: 3 });
  });

  it.each([
    ['rejected', new BadInput('no'), 400],
    ['unavailable', new Unavailable('later'), 503],
    ['error', new Error('bug'), 500],
  ])('records a failure as %s', async (outcome, error, status) => {
    const { answer, emf } = await recorded(async () => {
      countDataApiCall();
      throw error;
    });
    expect(answer.status).toBe(status);
    expect(emf).toMatchObject({ outcome, Requests: 1, DataApiCalls: 1, Retries: 0 });
    expect(emf).not.toHaveProperty('ReconcileLatency');
    expect(emf).not.toHaveProperty('GroupSize');
  });

  it('records the size of a group too large to answer', async () => {
    const { emf } = await recorded(async () => {
      recordGroupSize(250_000);
      throw new Error('group too large');
    });
    expect(emf).toMatchObject({ outcome: 'error', GroupSize: 250_000 });
  });

  it('publishes one dimension set: service, stage, route and outcome', async () => {
    const warn = vi.spyOn(console, 'warn');
    try {
      const { emf } = await recorded(async () => recordOutcome('read', 3), createMetrics('prod'));
      const directive = (emf._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }).CloudWatchMetrics[0]!;
      expect(directive.Namespace).toBe('Identify');
      expect(directive.Dimensions).toEqual([['service', 'stage', 'route', 'outcome']]);
      expect(emf).toMatchObject({ service: 'identify', stage: 'prod', route: 'POST /identify', outcome: 'read', Requests: 1 });
      // Powertools warns on every request when a dimension is defined twice (as in two dimension sets sharing a key).
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('starts a fresh scope for each invocation', async () => {
    const first = await recorded(async () => countDataApiCall());
    const second = await recorded(async () => undefined);
    expect(first.scope).toMatchObject({ dataApiCalls: 1 });
    expect(second.scope).toMatchObject({ dataApiCalls: 0, retries: 0 });
  });
});
