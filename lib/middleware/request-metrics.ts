import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import { requestScopeOf, startRequestScope } from '../request-scope.js';

/**
 * One place that turns an invocation into CloudWatch metrics (embedded metric format, written to
 * the log; no API calls): Requests by outcome (read, created, linked, merged, rejected, unavailable,
 * error), Data API calls and retries per request, reconciliation latency, and the size of the group
 * each answer holds (GroupSize, also for a group too large to answer). Registered before
 * http-error-handler, so on errors it sees the final status. Powertools' logMetrics publishes them.
 */
export function requestMetrics(metrics: Metrics): MiddlewareObj {
  const record = (context: object, statusCode: number | undefined) => {
    const scope = requestScopeOf(context);
    if (!scope) return;
    const outcome = scope.outcome ?? (statusCode === 503 ? 'unavailable' : statusCode !== undefined && statusCode < 500 ? 'rejected' : 'error');
    metrics.addDimension('outcome', outcome);
    metrics.addMetric('Requests', MetricUnit.Count, 1);
    metrics.addMetric('DataApiCalls', MetricUnit.Count, scope.dataApiCalls);
    metrics.addMetric('Retries', MetricUnit.Count, scope.retries);
    if (scope.reconcileMs !== undefined) metrics.addMetric('ReconcileLatency', MetricUnit.Milliseconds, scope.reconcileMs);
    if (scope.groupSize !== undefined) metrics.addMetric('GroupSize', MetricUnit.Count, scope.groupSize);
  };
  return {
    before: (request) => {
      startRequestScope(request.context);
    },
    after: (request) => record(request.context, (request.response as { statusCode?: number } | undefined)?.statusCode),
    onError: (request) => record(request.context, (request.response as { statusCode?: number } | undefined)?.statusCode),
  };
}
