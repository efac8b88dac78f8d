import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { apiEvent } from '../../../test/support/lambda-events.js';
import { loggedLines, throughChain } from '../../../test/support/middy-chain.js';
import { BadInput } from '../../errors.js';
import { callerIdentity, callerOf } from './caller-identity.js';

const ROLE = 'arn:aws:sts::123456789012:assumed-role/shop-backend/checkout';

function authorized(authorizer: unknown): APIGatewayProxyEventV2 {
  const event = apiEvent('{}');
  return { ...event, requestContext: { ...event.requestContext, authorizer } } as APIGatewayProxyEventV2;
}

describe('callerOf', () => {
  it('reads the IAM principal, then the JWT subject, else nothing', () => {
    expect(callerOf(authorized({ iam: { userArn: ROLE } }))).toBe(ROLE);
    expect(callerOf(authorized({ jwt: { claims: { sub: 'client-42' }, scopes: [] } }))).toBe('jwt:client-42');
    expect(callerOf(apiEvent('{}'))).toBeUndefined();
    expect(callerOf(authorized({ iam: { userArn: 7 } }))).toBeUndefined();
  });
});

describe('callerIdentity', () => {
  it("puts the caller in the request's log lines, the refusal line too, and clears it for the next invocation", async () => {
    const logger = new Logger({ serviceName: 'identify', logLevel: 'INFO' });
    // As in functions/identify.ts: registered before the error handling, so the keys outlive its log line.
    const outer = [injectLambdaContext(logger, { resetKeys: true }), callerIdentity(logger)];
    const lines = await loggedLines(async () => {
      await throughChain([], authorized({ iam: { userArn: ROLE } }), { logger, outer, handler: async () => logger.info('identified') });
      await throughChain([], authorized({ jwt: { claims: { sub: 'client-42' } } }), {
        logger,
        outer,
        handler: async () => Promise.reject(new BadInput('no')),
      });
      await throughChain([], apiEvent('{}'), { logger, outer, handler: async () => logger.info('identified') });
    });
    const logged = lines.map((line) => JSON.parse(line) as { message: string; caller?: string });
    expect(logged.map(({ message, caller }) => [message, caller])).toEqual([
      ['identified', ROLE],
      ['rejected', 'jwt:client-42'],
      ['identified', undefined],
    ]);
  });

  it('masks an email-like part (an SSO session name, a JWT subject)', async () => {
    const logger = new Logger({ serviceName: 'identify', logLevel: 'INFO' });
    const lines = await loggedLines(() =>
      throughChain([], authorized({ iam: { userArn: `${ROLE}/doc@hillvalley.edu` } }), {
        logger,
        outer: [injectLambdaContext(logger, { resetKeys: true }), callerIdentity(logger)],
        handler: async () => logger.info('identified'),
      }),
    );
    expect(JSON.parse(lines[0]!).caller).toBe(`${ROLE}/<email>`);
  });
});
