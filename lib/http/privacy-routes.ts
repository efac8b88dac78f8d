import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { recordOutcome, runInRequestScope } from '../runtime/request-scope.js';
import type { AuditContext } from '../store/privacy-repository.js';
import type { PrivacyDependencies } from './dependencies.js';
import { loggedCaller } from './middleware/caller-identity.js';
import { parseBlockRequest, parseEraseRequest } from './parse-requests.js';
import { routeCall } from './route-call.js';

/**
 * POST /erase, /block and /unblock after middy parsed the body: validate, act as one transaction with
 * its audit record, answer. The log line and the audit record hold counts and ids, never a value.
 */

type Event = Pick<APIGatewayProxyEventV2, 'body' | 'requestContext'>;

export function eraseHttp(deps: PrivacyDependencies, event: Event, context: Partial<Context>, signal?: AbortSignal): Promise<APIGatewayProxyResultV2> {
  return runInRequestScope(context, signal, async () => {
    const { request, suppress } = parseEraseRequest(event.body);
    const startedAt = Date.now();
    const erased = await deps.privacy.erase(request, suppress, auditContext(event, context), routeCall(deps.logger, context));
    recordOutcome('erased', Date.now() - startedAt);
    deps.logger.info('erased', { contacts: erased.contacts, groups: erased.primaryContactIds.length, suppress });
    return answer({ erased });
  });
}

export function blockHttp(deps: PrivacyDependencies, event: Event, context: Partial<Context>, signal?: AbortSignal): Promise<APIGatewayProxyResultV2> {
  return runInRequestScope(context, signal, async () => {
    const startedAt = Date.now();
    const blocked = await deps.privacy.block(parseBlockRequest(event.body), auditContext(event, context), routeCall(deps.logger, context));
    recordOutcome('blocked', Date.now() - startedAt);
    deps.logger.info('blocked', { blocked });
    return answer({ blocked });
  });
}

export function unblockHttp(deps: PrivacyDependencies, event: Event, context: Partial<Context>, signal?: AbortSignal): Promise<APIGatewayProxyResultV2> {
  return runInRequestScope(context, signal, async () => {
    const startedAt = Date.now();
    const unblocked = await deps.privacy.unblock(parseBlockRequest(event.body), auditContext(event, context), routeCall(deps.logger, context));
    recordOutcome('unblocked', Date.now() - startedAt);
    deps.logger.info('unblocked', { unblocked });
    return answer({ unblocked });
  });
}

function auditContext(event: Event, context: Partial<Context>): AuditContext {
  return { caller: loggedCaller(event) ?? null, requestId: context.awsRequestId ?? null };
}

function answer(body: object): APIGatewayProxyResultV2 {
  return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}
