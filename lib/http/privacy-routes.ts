import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { type RouteOutcome, recordOutcome, runInRequestScope } from '../runtime/request-scope.js';
import type { IdentifyCall } from '../service/identify-service.js';
import type { AuditContext } from '../store/privacy-repository.js';
import type { PrivacyDependencies } from './dependencies.js';
import { loggedCaller } from './middleware/caller-identity.js';
import { parseBlockRequest, parseEraseRequest, parseUnlinkRequest } from './parse-requests.js';
import { routeCall } from './route-call.js';

/**
 * POST /erase, /unlink, /block and /unblock after middy parsed the body: validate, act as one transaction with
 * its audit record, answer. The log line and the audit record hold counts and ids, never a value.
 */

type Event = Pick<APIGatewayProxyEventV2, 'body' | 'requestContext'>;
type Route = (deps: PrivacyDependencies, event: Event, context: Partial<Context>, signal?: AbortSignal) => Promise<APIGatewayProxyResultV2>;

/** One privacy route: `act` validates the body and calls the use case with the audit context; `logged` picks the log line's counts; the answer is sent. */
function privacyRoute<T extends object>(
  outcome: RouteOutcome,
  act: (deps: PrivacyDependencies, body: unknown, audit: AuditContext, call: IdentifyCall) => Promise<T>,
  logged: (answer: T) => Record<string, number | boolean>,
): Route {
  return (deps, event, context, signal) =>
    runInRequestScope(context, signal, async () => {
      const startedAt = Date.now();
      const audit = { caller: loggedCaller(event) ?? null, requestId: context.awsRequestId ?? null };
      const answer = await act(deps, event.body, audit, routeCall(deps.logger, context));
      recordOutcome(outcome, Date.now() - startedAt);
      deps.logger.info(outcome, { ...logged(answer), durationMs: Date.now() - startedAt });
      return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(answer) };
    });
}

export const eraseHttp = privacyRoute(
  'erased',
  async (deps, body, audit, call) => {
    const { request, suppress } = parseEraseRequest(body);
    return { erased: await deps.privacy.erase(request, suppress, audit, call) };
  },
  ({ erased }) => ({ contacts: erased.contacts, groups: erased.primaryContactIds.length }),
);

export const unlinkHttp = privacyRoute(
  'unlinked',
  async (deps, body, audit, call) => {
    const { request, block } = parseUnlinkRequest(body);
    return { unlinked: await deps.privacy.unlink(request, block, audit, call) };
  },
  ({ unlinked }) => ({ contacts: unlinked.contacts, groups: unlinked.primaryContactIds.length }),
);

export const blockHttp = privacyRoute(
  'blocked',
  async (deps, body, audit, call) => ({ blocked: await deps.privacy.block(parseBlockRequest(body), audit, call) }),
  (answer) => answer,
);

export const unblockHttp = privacyRoute(
  'unblocked',
  async (deps, body, audit, call) => ({ unblocked: await deps.privacy.unblock(parseBlockRequest(body), audit, call) }),
  (answer) => answer,
);
