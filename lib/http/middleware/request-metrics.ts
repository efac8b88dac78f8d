import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { requestScopeOf, startRequestScope } from '../../runtime/request-scope.js';

/** Where the metrics go: the alarms and the dashboard (infra/aws/alarms.yml, infra/aws/dashboard.cjs) read these names. */
export const METRICS_NAMESPACE = 'Identify';
export const METRICS_SERVICE = 'identify';

/** The service's Metrics: every metric, ColdStart included, carries the stage, so dev and prod in one account never mix. */
export function createMetrics(stage: string): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE, defaultDimensions: { stage } });
}

/**
 * One place that turns an invocation into CloudWatch metrics (embedded metric format, written to
 * the log; no API calls): Requests by outcome (read, created, linked, merged, rejected, unavailable,
 * error), Data API calls and retries per request, reconciliation latency, and the size of the group
 * each answer holds (GroupSize, also for a group too large to answer). Registered before
 * http-error-handler, so on errors it sees the final status. Powertools' logMetrics publishes them.
 *
 * One dimension set: service and stage (the Metrics' defaults), route (the event's route key, so a
 * new route needs nothing here) and outcome. The alarms add them up across routes and outcomes with
 * Metrics Insights queries; the dashboard draws a row per route (infra/aws/alarms.yml, infra/aws/dashboard.cjs).
 */
export function requestMetrics(metrics: Metrics): MiddlewareObj<APIGatewayProxyEventV2> {
  const record = (event: Partial<APIGatewayProxyEventV2> | undefined, context: object, statusCode: number | undefined) => {
    const scope = requestScopeOf(context);
    if (!scope) return;
    const outcome = scope.outcome ?? (statusCode === 503 ? 'unavailable' : statusCode !== undefined && statusCode < 500 ? 'rejected' : 'error');
    metrics.addDimension('route', event?.routeKey || 'none');
    metrics.addDimension('outcome', outcome);
    metrics.addMetric('Requests', MetricUnit.Count, 1);
    metrics.addMetric('DataApiCalls', MetricUnit.Count, scope.dataApiCalls);
    metrics.addMetric('Retries', MetricUnit.Count, scope.retries);
    if (scope.reconcileMs !== undefined) metrics.addMetric('ReconcileLatency', MetricUnit.Milliseconds, scope.reconcileMs);
    if (scope.groupSize !== undefined) metrics.addMetric('GroupSize', MetricUnit.Count, scope.groupSize);
  };
  const statusOf = (response: unknown) => (response as { statusCode?: number } | undefined)?.statusCode;
  return {
    before: (request) => {
      startRequestScope(request.context);
    },
    after: (request) => record(request.event, request.context, statusOf(request.response)),
    onError: (request) => record(request.event, request.context, statusOf(request.response)),
  };
}
