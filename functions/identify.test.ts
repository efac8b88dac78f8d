import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type Blocklist, NOTHING_BLOCKED } from '../lib/contacts/blocklist.js';
import type { IdentifyRequest } from '../lib/contacts/model.js';
import { HttpError, Unavailable } from '../lib/errors.js';
import type { Dependencies } from '../lib/http/dependencies.js';
import { countDataApiCall } from '../lib/runtime/request-scope.js';
import type { IdentifyCall, IdentifyResult } from '../lib/service/identify-service.js';
import { apiEvent, lambdaContext } from '../test/support/lambda-events.js';
import { bytesEvent, loggedLines } from '../test/support/middy-chain.js';
import { ReferenceModel } from '../test/support/reference-model.js';
import { buildHandler } from './identify.js';

/**
 * The handler's edges in milliseconds: buildHandler over an in-memory use case (the independent
 * reference model of the contract, test/support/reference-model.ts), every status and every metric
 * dimension pinned. The database side is covered by the integration tests.
 */
class InMemoryService {
  readonly model = new ReferenceModel();
  failure?: unknown;
  retries = 0;

  async identify(request: IdentifyRequest, call: IdentifyCall): Promise<IdentifyResult> {
    countDataApiCall(); // the read, counted through the request scope as the Data API executor counts
    for (let attempt = 1; attempt <= this.retries; attempt++) call.onRetry?.('conflict', attempt);
    if (this.failure) throw this.failure;
    const before = this.model.rows.map((row) => ({ ...row }));
    const response = this.model.identify(request.email, request.phoneNumber);
    const moved = before.some((row, i) => this.model.rows[i]!.linkedId !== row.linkedId);
    const grew = this.model.rows.length > before.length;
    const outcome = moved ? 'merged' : !grew ? 'read' : this.model.rows.at(-1)!.linkedId === null ? 'created' : 'linked';
    if (outcome !== 'read') countDataApiCall(); // the write
    return { response, outcome, attempts: this.retries + 1 };
  }
}

class GroupTooLarge extends HttpError {
  constructor(readonly groupSize: number) {
    super(413, 'the group is too large to answer in one response');
  }
}

function setUp(options: { blocklist?: Blocklist; largeGroupWarningSize?: number } = {}) {
  const service = new InMemoryService();
  const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  const metrics = new Metrics({ namespace: 'Identify', serviceName: 'identify' });
  process.env.POWERTOOLS_METRICS_DISABLED = disabled;
  const deps: Dependencies = {
    service,
    logger: new Logger({ serviceName: 'identify', logLevel: 'INFO' }),
    metrics,
    blocklist: options.blocklist ?? NOTHING_BLOCKED,
    largeGroupWarningSize: options.largeGroupWarningSize ?? 1000,
  };
  const handler = buildHandler(deps);
  const send = async (event: APIGatewayProxyEventV2) => {
    let result: APIGatewayProxyStructuredResultV2 | undefined;
    const lines = await loggedLines(async () => {
      result = (await handler(event, lambdaContext())) as APIGatewayProxyStructuredResultV2;
    });
    const docs = lines.filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const logs = lines.filter((line) => !line.includes('"_aws"')).map((line) => JSON.parse(line) as Record<string, unknown>);
    return {
      status: result!.statusCode,
      headers: result!.headers ?? {},
      json: JSON.parse(String(result!.body)) as {
        message?: string;
        contact?: { primaryContactId: number; emails: string[]; phoneNumbers: string[]; secondaryContactIds: number[] };
      },
      metrics: docs.find((doc) => 'Requests' in doc)!,
      logs,
      lines,
    };
  };
  const post = (body: unknown, headers?: Record<string, string>) => send(apiEvent(typeof body === 'string' ? body : JSON.stringify(body), headers));
  return { service, send, post };
}

describe('POST /identify, answers', () => {
  it('pins status, outcome, Data API calls and group size for created, linked, read and merged', async () => {
    const { post } = setUp();
    const created = await post({ email: 'lorraine@hillvalley.edu', phoneNumber: '123456' });
    const linked = await post({ email: 'mcfly@hillvalley.edu', phoneNumber: '123456' });
    const read = await post({ email: 'mcfly@hillvalley.edu' });
    await post({ email: 'biff@hillvalley.edu', phoneNumber: '999' });
    const merged = await post({ email: 'biff@hillvalley.edu', phoneNumber: '123456' });
    expect([created, linked, read, merged].map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect([created, linked, read, merged].map(({ metrics }) => [metrics.outcome, metrics.DataApiCalls, metrics.GroupSize])).toEqual([
      ['created', 2, 1],
      ['linked', 2, 2],
      ['read', 1, 2],
      ['merged', 2, 3],
    ]);
    expect(merged.json.contact).toEqual({
      primaryContactId: 1,
      emails: ['lorraine@hillvalley.edu', 'mcfly@hillvalley.edu', 'biff@hillvalley.edu'],
      phoneNumbers: ['123456', '999'],
      secondaryContactIds: [2, 3],
    });
    for (const { metrics } of [created, linked, read, merged]) {
      expect(metrics).toMatchObject({ Requests: 1, Retries: 0, service: 'identify', route: 'POST /identify', ReconcileLatency: expect.any(Number) });
      expect((metrics._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] }).CloudWatchMetrics[0]!.Dimensions[0]).toContain('outcome');
    }
  });

  it('counts retries', async () => {
    const { service, post } = setUp();
    service.retries = 2;
    expect((await post({ email: 'doc@hillvalley.edu' })).metrics).toMatchObject({ outcome: 'created', Retries: 2 });
  });

  it('accepts any case of the media type, with a UTF-8 charset', async () => {
    const { post } = setUp();
    for (const type of ['APPLICATION/JSON', 'application/json; charset=UTF-8', 'Application/Json;Charset="utf-8"']) {
      expect((await post({ email: 'doc@hillvalley.edu' }, { 'Content-Type': type })).status).toBe(200);
    }
  });
});

describe('POST /identify, refusals: status, message, metric, nothing written', () => {
  const cases: { name: string; event: () => APIGatewayProxyEventV2; status: number; message: RegExp }[] = [
    { name: 'malformed JSON', event: () => apiEvent('{"email":'), status: 400, message: /must be a JSON object.*not valid JSON/ },
    { name: 'a JSON string', event: () => apiEvent('"hello"'), status: 400, message: /^request body must be a JSON object .* not a string$/ },
    { name: 'an object as email', event: () => apiEvent('{"email":{"a":1}}'), status: 400, message: /^email must be a string or null, not an object$/ },
    { name: 'a byte-order mark', event: () => apiEvent('\uFEFF{"email":"a@b.co"}'), status: 400, message: /byte-order mark \(U\+FEFF\)/ },
    { name: 'bytes that are not UTF-8', event: () => bytesEvent(Buffer.from('{"email":"caf\xe9@b.co"}', 'latin1')), status: 400, message: /not valid UTF-8/ },
    { name: 'U+FFFD left by a decoder upstream', event: () => apiEvent('{"email":"caf\uFFFD@b.co"}'), status: 400, message: /U\+FFFD.*not valid UTF-8/ },
    { name: 'an invalid email', event: () => apiEvent('{"email":"doc"}'), status: 400, message: /email/ },
    { name: 'a duplicate key', event: () => apiEvent('{"email":"a@b.co","email":"c@d.co"}'), status: 400, message: /repeats the key/ },
    { name: 'a body over 10 KB', event: () => apiEvent(JSON.stringify({ email: 'a@b.co', pad: 'x'.repeat(11_000) })), status: 413, message: /10240 bytes/ },
    { name: 'no content type', event: () => apiEvent('{"email":"a@b.co"}', {}), status: 415, message: /missing/ },
    { name: 'text/plain', event: () => apiEvent('{"email":"a@b.co"}', { 'content-type': 'text/plain' }), status: 415, message: /application\/json/ },
    {
      name: 'a Latin-1 charset',
      event: () => apiEvent('{"email":"a@b.co"}', { 'content-type': 'application/json; charset=ISO-8859-1' }),
      status: 415,
      message: /charset must be utf-8/,
    },
    { name: 'another path', event: () => ({ ...apiEvent('{}'), rawPath: '/nope' }), status: 404, message: /POST \/identify/ },
  ];

  for (const testCase of cases) {
    it(`refuses ${testCase.name} (${testCase.status})`, async () => {
      const { service, send } = setUp();
      const answer = await send(testCase.event());
      expect(answer.status).toBe(testCase.status);
      expect(answer.json.message).toMatch(testCase.message);
      expect(answer.headers['Content-Type']).toBe('application/json');
      expect(answer.metrics).toMatchObject({ outcome: 'rejected', Requests: 1, DataApiCalls: 0 });
      expect(answer.metrics).not.toHaveProperty('GroupSize');
      expect(service.model.rows).toEqual([]);
    });
  }

  it('answers another method with 405 and Allow: POST', async () => {
    const { send } = setUp();
    const event = apiEvent('{}');
    const answer = await send({ ...event, requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method: 'GET' } } });
    expect(answer).toMatchObject({ status: 405, headers: { Allow: 'POST' } });
    expect(answer.metrics.outcome).toBe('rejected');
  });

  it('answers an unavailable database with 503 and Retry-After', async () => {
    const { service, post } = setUp();
    service.failure = new Unavailable('the database is resuming', 15);
    const answer = await post({ email: 'doc@hillvalley.edu' });
    expect(answer).toMatchObject({ status: 503, headers: { 'Retry-After': '15' } });
    expect(answer.metrics).toMatchObject({ outcome: 'unavailable', DataApiCalls: 1 });
  });

  it('hides a bug behind a 500', async () => {
    const { service, post } = setUp();
    service.failure = new TypeError('bug');
    const answer = await post({ email: 'doc@hillvalley.edu' });
    expect(answer).toMatchObject({ status: 500, json: { message: 'internal error' } });
    expect(answer.metrics.outcome).toBe('error');
  });

  it('records the size of a group too large to answer, and warns once', async () => {
    const { service, post } = setUp({ largeGroupWarningSize: 1000 });
    service.failure = new GroupTooLarge(250_000);
    const answer = await post({ email: 'doc@hillvalley.edu' });
    expect(answer.status).toBe(413);
    expect(answer.metrics).toMatchObject({ outcome: 'rejected', GroupSize: 250_000 });
    expect(answer.logs.filter((line) => line.message === 'large group')).toEqual([
      expect.objectContaining({ level: 'WARN', groupSize: 250_000, warningSize: 1000 }),
    ]);
  });
});

describe('POST /identify, the operator blocklist', () => {
  const blocklist: Blocklist = { blocksEmail: (email) => email === 'test@test.com', blocksPhone: (phone) => /^0+$/.test(phone) };

  it('treats a blocked value as absent: not stored, not matched, not answered', async () => {
    const { service, post } = setUp({ blocklist });
    const first = await post({ email: 'test@test.com', phoneNumber: '123' });
    const second = await post({ email: 'other@hillvalley.edu', phoneNumber: '0000' });
    expect(first.json.contact).toEqual({ primaryContactId: 1, emails: [], phoneNumbers: ['123'], secondaryContactIds: [] });
    expect(second.json.contact).toEqual({ primaryContactId: 2, emails: ['other@hillvalley.edu'], phoneNumbers: [], secondaryContactIds: [] });
    expect(service.model.rows.map((row) => [row.email, row.phoneNumber])).toEqual([
      [null, '123'],
      ['other@hillvalley.edu', null],
    ]);
  });

  it('refuses a request whose only value is blocked (400), writing nothing', async () => {
    const { service, post } = setUp({ blocklist });
    const answer = await post({ email: 'TEST@test.com ' });
    expect(answer).toMatchObject({ status: 400, json: { message: expect.stringMatching(/^email is blocked: not usable to identify a customer/) } });
    expect(service.model.rows).toEqual([]);
  });

  it('leaves a blocked value stored before out of the answer', async () => {
    const unblocked = setUp();
    await unblocked.post({ email: 'test@test.com', phoneNumber: '555' });
    const { service, post } = setUp({ blocklist });
    service.model.rows.push(...unblocked.service.model.rows);
    const answer = await post({ phoneNumber: '555' });
    expect(answer.json.contact).toEqual({ primaryContactId: 1, emails: [], phoneNumbers: ['555'], secondaryContactIds: [] });
    expect(answer.metrics.GroupSize).toBe(1);
  });
});

describe('POST /identify, log lines', () => {
  it('warn once above the configured group size, with ids and size only, and carry the caller', async () => {
    const { post, send } = setUp({ largeGroupWarningSize: 2 });
    await post({ email: 'a@hillvalley.edu', phoneNumber: '5550001' });
    const small = await post({ email: 'b@hillvalley.edu', phoneNumber: '5550001' });
    const event = apiEvent(JSON.stringify({ email: 'c@hillvalley.edu', phoneNumber: '5550001' }));
    const role = 'arn:aws:sts::123456789012:assumed-role/shop-backend/checkout';
    const large = await send({ ...event, requestContext: { ...event.requestContext, authorizer: { iam: { userArn: role } } } } as APIGatewayProxyEventV2);
    expect(small.logs.some((line) => line.message === 'large group')).toBe(false);
    expect(large.logs.filter((line) => line.message === 'large group')).toEqual([
      expect.objectContaining({ level: 'WARN', primaryContactId: 1, groupSize: 3, warningSize: 2, caller: role }),
    ]);
    expect(large.logs.find((line) => line.message === 'identified')).toMatchObject({ caller: role, groupSize: 3 });
    for (const line of [...small.lines, ...large.lines]) expect(line).not.toMatch(/hillvalley|5550001/);
  });
});
