import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { Dependencies } from './dependencies.js';
import { bodySizeLimit } from './middleware/body-size-limit.js';
import { callerIdentity } from './middleware/caller-identity.js';
import { jsonContentType } from './middleware/json-content-type.js';
import { jsonErrors } from './middleware/json-errors.js';
import { rejectDuplicateKeys } from './middleware/reject-duplicate-keys.js';
import { requestMetrics } from './middleware/request-metrics.js';
import { routeGuard } from './middleware/route-guard.js';
import { utf8Body } from './middleware/utf8-body.js';

/**
 * The middlewares every route wears, in three groups that a handler uses in this order:
 *
 *   observability -> error answers -> body guards -> the route's one call into lib/
 *
 * The rule: middy runs `before` top-down and `after`/`onError` bottom-up, so whatever must see the
 * final answer (logs, metrics) is outermost, the error answers sit between them and everything that
 * can throw, and the body guards refuse bad input one check at a time, each before the next reads it.
 */

type Middleware = MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2>;

/** What every route's chain is built with. */
const ROUTE_DEFAULTS = {
  /** The largest body any route accepts (413 beyond it, before parsing). */
  maxBodyBytes: 10 * 1024,
  /** middy answers (503) this long before Lambda would end the invocation, and aborts the calls still running. */
  answerBeforeTimeoutMs: 300,
};

/** The request's log context (reset per invocation: the caller is this one's only), its caller, its metrics. */
function observability(deps: Pick<Dependencies, 'logger' | 'metrics'>): Middleware[] {
  return [
    injectLambdaContext(deps.logger, { resetKeys: true }),
    callerIdentity(deps.logger),
    logMetrics(deps.metrics, { captureColdStartMetric: true }),
    requestMetrics(deps.metrics),
  ];
}

/** Any error below becomes `{"message": ...}` with its status (jsonErrors), sent by middy's handler. */
export function errorAnswers(deps: Pick<Dependencies, 'logger'>): Middleware[] {
  return [httpErrorHandler({ logger: false }), jsonErrors(deps.logger)];
}

/** The route, then the body: headers, JSON content type, size, UTF-8, no repeated keys, parsed. */
export function bodyGuards(route: { method: string; path: string }, maxBodyBytes: number): Middleware[] {
  return [
    routeGuard(route.method, route.path),
    httpHeaderNormalizer(),
    jsonContentType(),
    bodySizeLimit(maxBodyBytes),
    utf8Body(),
    rejectDuplicateKeys(),
    httpJsonBodyParser(),
  ];
}

/** A route's one call into lib/: the event (its body parsed), the Lambda context, middy's abort signal at the early answer. */
export type RouteCall = (event: APIGatewayProxyEventV2, context: Context, signal: AbortSignal) => Promise<APIGatewayProxyResultV2>;

/** A route's handler: the three groups, in the order above, around its one call. */
export function routeHandler(deps: Pick<Dependencies, 'logger' | 'metrics'>, path: string, call: RouteCall) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>({ timeoutEarlyInMillis: ROUTE_DEFAULTS.answerBeforeTimeoutMs })
    .use(observability(deps))
    .use(errorAnswers(deps))
    .use(bodyGuards({ method: 'POST', path }, ROUTE_DEFAULTS.maxBodyBytes))
    .handler((event, context, { signal }) => call(event, context, signal));
}
