import type { APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { Dependencies } from './container.js';
import { parseIdentifyRequest } from './request.js';
import { requestScopeOf, runInRequestScope, type RequestScope } from './request-scope.js';

/** API Gateway stops waiting after 30 s; keep a margin for the response itself. */
const GATEWAY_LIMIT_MS = 29_000;
const MARGIN_MS = 500;

/** POST /identify after middy parsed the body: validate, reconcile, answer. Errors are thrown as values. */
export function identifyHttp(
  deps: Dependencies,
  body: unknown,
  context: Partial<Context>,
  signal?: AbortSignal,
): Promise<APIGatewayProxyResultV2> {
  const scope = requestScopeOf(context);
  if (scope) scope.signal = signal;
  return runInRequestScope(scope, () => identifyInScope(deps, body, context, scope));
}

async function identifyInScope(
  deps: Dependencies,
  body: unknown,
  context: Partial<Context>,
  scope: RequestScope | undefined,
): Promise<APIGatewayProxyResultV2> {
  const request = parseIdentifyRequest(body);
  const startedAt = Date.now();
  const deadline = startedAt + Math.min(GATEWAY_LIMIT_MS, context.getRemainingTimeInMillis?.() ?? GATEWAY_LIMIT_MS) - MARGIN_MS;
  const result = await deps.service.identify(request, {
    timeLeftMs: () => deadline - Date.now(),
    onRetry: (kind, attempt) => {
      if (scope) scope.retries++;
      deps.logger.info('retrying', { retryKind: kind, attempt });
    },
  });
  if (scope) {
    scope.outcome = result.outcome;
    scope.reconcileMs = Date.now() - startedAt;
  }
  deps.logger.info('identified', {
    outcome: result.outcome,
    attempts: result.attempts,
    primaryContactId: result.response.contact.primaryContactId,
    groupSize: result.response.contact.secondaryContactIds.length + 1,
    durationMs: Date.now() - startedAt,
  });
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(result.response),
  };
}
