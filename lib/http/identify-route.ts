import type { APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { withoutBlockedValues } from '../contacts/blocklist.js';
import { recordGroupSize, recordOutcome, runInRequestScope } from '../runtime/request-scope.js';
import type { Dependencies, EdgeDependencies } from './dependencies.js';
import { parseIdentifyRequest } from './parse-requests.js';
import { routeCall } from './route-call.js';

/** POST /identify after middy parsed the body: validate, reconcile, answer. Errors are thrown as values. */
export function identifyHttp(deps: Dependencies, body: unknown, context: Partial<Context>, signal?: AbortSignal): Promise<APIGatewayProxyResultV2> {
  return runInRequestScope(context, signal, () => identifyInScope(deps, body, context));
}

async function identifyInScope(deps: Dependencies, body: unknown, context: Partial<Context>): Promise<APIGatewayProxyResultV2> {
  const request = parseIdentifyRequest(body, deps.blocklist);
  const startedAt = Date.now();
  const result = await deps.service.identify(request, routeCall(deps.logger, context)).catch((error: unknown) => {
    // A group too large to answer still says how large it is (lib/errors.ts carries `groupSize`).
    const groupSize = groupSizeOf(error);
    if (groupSize !== undefined) noteGroupSize(deps, groupSize, {});
    throw error;
  });
  const { contact } = result.response;
  const groupSize = contact.secondaryContactIds.length + 1;
  recordOutcome(result.outcome, Date.now() - startedAt);
  noteGroupSize(deps, groupSize, { primaryContactId: contact.primaryContactId });
  deps.logger.info('identified', {
    outcome: result.outcome,
    attempts: result.attempts,
    primaryContactId: contact.primaryContactId,
    groupSize,
    durationMs: Date.now() - startedAt,
  });
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(withoutBlockedValues(result.response, deps.blocklist)),
  };
}

/** Records the size for the GroupSize metric; past the configured size, one warning (ids and size only). */
export function noteGroupSize(deps: EdgeDependencies, groupSize: number, ids: { primaryContactId?: number }): void {
  recordGroupSize(groupSize);
  if (groupSize > deps.largeGroupWarningSize) {
    deps.logger.warn('large group', { ...ids, groupSize, warningSize: deps.largeGroupWarningSize });
  }
}

/** The `groupSize` an error carries, if it carries a usable one. */
function groupSizeOf(error: unknown): number | undefined {
  const size = (error as { groupSize?: unknown } | null | undefined)?.groupSize;
  return typeof size === 'number' && Number.isSafeInteger(size) && size > 0 ? size : undefined;
}
