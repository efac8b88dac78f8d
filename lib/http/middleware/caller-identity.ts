import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { redactEmails } from '../../runtime/redact.js';

/**
 * Puts who called into every log line of the request (`caller`): the IAM principal's ARN under
 * IAM/SigV4 authorization, `jwt:<sub>` under a JWT authorizer (HTTP API payload 2.0,
 * `requestContext.authorizer.iam.userArn` / `.jwt.claims.sub`). Nothing when the request was not
 * authorized (authorization off locally). Email-like parts are masked: an SSO session name or a
 * JWT subject can be an address. The key is a temporary Powertools key, cleared after each
 * invocation by injectLambdaContext({ resetKeys: true }), which must be registered before this.
 */
export function callerIdentity(logger: Logger): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: ({ event }) => {
      const caller = loggedCaller(event);
      if (caller !== undefined) logger.appendKeys({ caller });
    },
  };
}

/** The caller as the logs (and the audit records) name it; segment by segment, so an address in a role session name masks only that segment. */
export function loggedCaller(event: Pick<APIGatewayProxyEventV2, 'requestContext'>): string | undefined {
  return callerOf(event)?.split('/').map(redactEmails).join('/');
}

interface Authorizer {
  iam?: { userArn?: unknown };
  jwt?: { claims?: { sub?: unknown } };
}

export function callerOf(event: Pick<APIGatewayProxyEventV2, 'requestContext'>): string | undefined {
  const authorizer = (event.requestContext as { authorizer?: Authorizer } | undefined)?.authorizer;
  const userArn = authorizer?.iam?.userArn;
  if (typeof userArn === 'string' && userArn !== '') return userArn;
  const subject = authorizer?.jwt?.claims?.sub;
  if (typeof subject === 'string' && subject !== '') return `jwt:${subject}`;
  return undefined;
}
