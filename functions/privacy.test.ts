import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { NOTHING_BLOCKED } from '../lib/contacts/blocklist.js';
import type { IdentifyRequest } from '../lib/contacts/model.js';
import type { PrivacyDependencies } from '../lib/http/dependencies.js';
import type { AuditContext, UnlinkRequest } from '../lib/store/privacy-repository.js';
import { apiEvent, lambdaContext } from '../test/support/lambda-events.js';
import { loggedLines } from '../test/support/middy-chain.js';
import { buildHandler as buildBlock } from './block.js';
import { buildHandler as buildErase } from './erase.js';
import { buildHandler as buildUnblock } from './unblock.js';
import { buildHandler as buildUnlink } from './unlink.js';

// The privacy routes' edges in milliseconds: each handler over an in-memory use case that records
// what it was asked, with its route, audit context, answer, metrics and log line pinned.

interface Asked {
  route: string;
  request: IdentifyRequest;
  suppress?: boolean;
  block?: boolean;
  audit: AuditContext;
}

function setUp() {
  const asked: Asked[] = [];
  const privacy = {
    erase: async (request: IdentifyRequest, suppress: boolean, audit: AuditContext) => {
      asked.push({ route: 'erase', request, suppress, audit });
      return { contacts: 2, primaryContactIds: [7] };
    },
    unlink: async (request: UnlinkRequest, block: boolean, audit: AuditContext) => {
      asked.push({ route: 'unlink', request, block, audit });
      return { contacts: 5, primaryContactIds: [1, 2, 3, 4, 5] };
    },
    block: async (request: IdentifyRequest, audit: AuditContext) => {
      asked.push({ route: 'block', request, audit });
      return 1;
    },
    unblock: async (request: IdentifyRequest, audit: AuditContext) => {
      asked.push({ route: 'unblock', request, audit });
      return 0;
    },
  };
  const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  const deps: PrivacyDependencies = {
    privacy,
    logger: new Logger({ serviceName: 'identify', logLevel: 'INFO' }),
    metrics: new Metrics({ namespace: 'Identify', serviceName: 'identify' }),
    blocklist: NOTHING_BLOCKED,
    largeGroupWarningSize: 1000,
  };
  process.env.POWERTOOLS_METRICS_DISABLED = disabled;
  const handlers = { erase: buildErase(deps), unlink: buildUnlink(deps), block: buildBlock(deps), unblock: buildUnblock(deps) };
  const post = async (route: keyof typeof handlers, body: unknown) => {
    const event: APIGatewayProxyEventV2 = {
      ...apiEvent(JSON.stringify(body)),
      routeKey: `POST /${route}`,
      rawPath: `/${route}`,
    };
    event.requestContext = {
      ...event.requestContext,
      http: { ...event.requestContext.http, path: `/${route}` },
      authorizer: { iam: { userArn: 'arn:aws:iam::123456789012:assumed-role/privacy/lorraine@hillvalley.edu' } },
    } as typeof event.requestContext;
    let result: APIGatewayProxyStructuredResultV2 | undefined;
    const lines = await loggedLines(async () => {
      result = (await handlers[route](event, lambdaContext())) as APIGatewayProxyStructuredResultV2;
    });
    const metrics = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((doc) => 'Requests' in doc)!;
    return { status: result!.statusCode, json: JSON.parse(String(result!.body)), metrics, lines };
  };
  return { asked, post };
}

describe('the privacy handlers', () => {
  it('erase: normalises the values, passes suppress and the audit context (the caller masked as in the logs), answers the use case', async () => {
    const { asked, post } = setUp();
    const answer = await post('erase', { email: ' Doc@HillValley.EDU ', phoneNumber: 8675309, suppress: true });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ erased: { contacts: 2, primaryContactIds: [7] } });
    expect(asked).toEqual([
      {
        route: 'erase',
        request: { email: 'doc@hillvalley.edu', phoneNumber: '8675309' },
        suppress: true,
        audit: { caller: expect.stringMatching(/^arn:aws:iam::123456789012:assumed-role\/privacy\/(?!lorraine)/), requestId: expect.any(String) },
      },
    ]);
    expect(answer.metrics).toMatchObject({ outcome: 'erased', route: 'POST /erase', Requests: 1 });
    expect(answer.lines.join('\n')).not.toMatch(/hillvalley|8675309/);
  });

  it('unlink: normalises its one value, passes block and the audit context, answers the use case', async () => {
    const { asked, post } = setUp();
    const answer = await post('unlink', { phoneNumber: '+1 (555) 010-0000', block: true });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ unlinked: { contacts: 5, primaryContactIds: [1, 2, 3, 4, 5] } });
    expect(asked).toEqual([
      {
        route: 'unlink',
        request: { email: null, phoneNumber: '+15550100000' },
        block: true,
        audit: { caller: expect.stringMatching(/^arn:aws:iam::123456789012:assumed-role\/privacy\//), requestId: expect.any(String) },
      },
    ]);
    expect(answer.metrics).toMatchObject({ outcome: 'unlinked', route: 'POST /unlink', Requests: 1 });
    expect(answer.lines.join('\n')).not.toMatch(/5550100000|hillvalley/);
  });

  it('block and unblock: answer their counts, with their own outcome', async () => {
    const { asked, post } = setUp();
    const blocked = await post('block', { phoneNumber: '+1 (555) 010-0000' });
    const unblocked = await post('unblock', { email: 'test@test.com' });
    expect([blocked.json, unblocked.json]).toEqual([{ blocked: 1 }, { unblocked: 0 }]);
    expect([blocked.metrics.outcome, unblocked.metrics.outcome]).toEqual(['blocked', 'unblocked']);
    expect(asked.map((call) => call.request)).toEqual([
      { email: null, phoneNumber: '+15550100000' },
      { email: 'test@test.com', phoneNumber: null },
    ]);
  });

  it('refuses bad input with 400 before the use case is asked anything', async () => {
    const { asked, post } = setUp();
    expect((await post('erase', { suppress: true })).status).toBe(400);
    expect((await post('block', { email: 'a@b.co', suppress: true })).status).toBe(400);
    const both = await post('unlink', { email: 'a@b.co', phoneNumber: '1' });
    expect(both.status).toBe(400);
    expect(both.json.message).toMatch(/exactly one of email and phoneNumber/);
    expect((await post('unlink', { phoneNumber: '' })).status).toBe(400);
    expect((await post('unlink', { email: 'a@b.co', block: 'yes' })).json.message).toBe('block must be true or false, not a string');
    expect(asked).toEqual([]);
  });
});
