import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { countRetry } from '../runtime/request-scope.js';
import type { IdentifyCall } from '../service/identify-service.js';

/** API Gateway stops waiting after 30 s; keep a margin for the response itself. */
const GATEWAY_LIMIT_MS = 29_000;
const MARGIN_MS = 500;

/** A use case's time budget (what is left of the invocation, at most API Gateway's wait) and its retry log line. */
export function routeCall(logger: Logger, context: Partial<Context>): IdentifyCall {
  const deadline = Date.now() + Math.min(GATEWAY_LIMIT_MS, context.getRemainingTimeInMillis?.() ?? GATEWAY_LIMIT_MS) - MARGIN_MS;
  return {
    timeLeftMs: () => deadline - Date.now(),
    onRetry: (kind, attempt) => {
      countRetry();
      logger.info('retrying', { retryKind: kind, attempt });
    },
  };
}
