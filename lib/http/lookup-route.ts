import type { APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { withoutBlockedValues } from '../contacts/blocklist.js';
import { recordOutcome, runInRequestScope } from '../runtime/request-scope.js';
import type { LookupDependencies } from './dependencies.js';
import { noteGroupSize } from './identify-route.js';
import { parseIdentifyRequest } from './parse-requests.js';
import { routeCall } from './route-call.js';

/** POST /lookup after middy parsed the body: validate (as /identify), read the groups, answer. Never writes. */
export function lookupHttp(deps: LookupDependencies, body: unknown, context: Partial<Context>, signal?: AbortSignal): Promise<APIGatewayProxyResultV2> {
  return runInRequestScope(context, signal, async () => {
    const request = parseIdentifyRequest(body, deps.blocklist);
    const startedAt = Date.now();
    const response = await deps.lookup.lookup(request, routeCall(deps.logger, context));
    const largest = Math.max(0, ...response.contacts.map((group) => group.secondaryContactIds.length + 1));
    recordOutcome('read', Date.now() - startedAt);
    if (largest > 0) noteGroupSize(deps, largest, {});
    deps.logger.info('looked up', { groups: response.contacts.length, largestGroup: largest, durationMs: Date.now() - startedAt });
    const contacts = response.contacts.map((contact) => withoutBlockedValues({ contact }, deps.blocklist).contact);
    return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ contacts }) };
  });
}
