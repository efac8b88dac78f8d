import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { Dependencies } from '../lib/http/dependencies.js';
import { identifyHttp } from '../lib/http/identify-route.js';
import { bodySizeLimit } from '../lib/http/middleware/body-size-limit.js';
import { callerIdentity } from '../lib/http/middleware/caller-identity.js';
import { jsonContentType } from '../lib/http/middleware/json-content-type.js';
import { jsonErrors } from '../lib/http/middleware/json-errors.js';
import { rejectDuplicateKeys } from '../lib/http/middleware/reject-duplicate-keys.js';
import { requestMetrics } from '../lib/http/middleware/request-metrics.js';
import { routeGuard } from '../lib/http/middleware/route-guard.js';
import { utf8Body } from '../lib/http/middleware/utf8-body.js';
import { readConfig } from '../lib/runtime/config.js';
import { createDependencies } from '../lib/runtime/container.js';

export const MAX_BODY_BYTES = 10 * 1024;
/** middy answers (503) this long before Lambda would end the invocation, and aborts the calls still running. */
const ANSWER_BEFORE_TIMEOUT_MS = 300;

/** POST /identify: middy wiring around one call into lib/. onError runs in reverse order of use. */
export function buildHandler(deps: Dependencies) {
  return (
    middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>({ timeoutEarlyInMillis: ANSWER_BEFORE_TIMEOUT_MS })
      // resetKeys: the caller's identity (callerIdentity) is this invocation's only, never the next one's.
      .use(injectLambdaContext(deps.logger, { resetKeys: true }))
      .use(callerIdentity(deps.logger))
      .use(logMetrics(deps.metrics, { captureColdStartMetric: true }))
      .use(requestMetrics(deps.metrics))
      .use(httpErrorHandler({ logger: false }))
      .use(jsonErrors(deps.logger))
      .use(routeGuard('POST', '/identify'))
      .use(httpHeaderNormalizer())
      .use(jsonContentType())
      .use(bodySizeLimit(MAX_BODY_BYTES))
      .use(utf8Body())
      .use(rejectDuplicateKeys())
      .use(httpJsonBodyParser())
      .handler((event, context, { signal }) => identifyHttp(deps, event.body, context, signal))
  );
}

// Once per container: configuration, the Data API client and the service.
export const handler = buildHandler(createDependencies(readConfig()));
