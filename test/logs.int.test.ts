import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { LocalDataApi } from 'local-data-api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildHandler } from '../functions/identify.js';
import { createDependencies } from '../lib/runtime/container.js';
import { uniqueDigits, uniqueTag } from './support/helpers.js';
import { apiEvent, type Handler, invoke, lambdaContext } from './support/lambda-events.js';
import { loggedLines } from './support/middy-chain.js';
import { type OwnDataApi, startOwnDataApi } from './support/own-data-api.js';

// No email or phone number appears in any log line of a run: the handlers' structured logs
// (Powertools, at DEBUG) and the local Data API server's call log, over good, bad and failing requests
// on every route, the values a run erases and blocks included.
let server: LocalDataApi;
const serverLines: string[] = [];
let handler: Handler;
let handlers: OwnDataApi['handlers'];

beforeAll(async () => {
  ({ server, handler, handlers } = await startOwnDataApi({
    server: { log: (line) => serverLines.push(line) },
    logger: new Logger({ serviceName: 'identify', logLevel: 'DEBUG' }),
  }));
});
afterAll(async () => server?.close());

describe('logs', () => {
  it('carry outcomes and ids, never an email or a phone number', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const emails = [`lorraine.${tag}@hillvalley.edu`, `mcfly.${tag}@hillvalley.edu`, `biff.${tag}@hillvalley.edu`];
    const phones = [`${digits}1`, `${digits}2`];
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await invoke(handler, { email: emails[0], phoneNumber: phones[0] }); // created
      await invoke(handler, { email: emails[1], phoneNumber: phones[0] }); // linked
      await invoke(handler, { email: emails[2], phoneNumber: phones[1] }); // created
      await invoke(handler, { email: emails[0], phoneNumber: phones[1] }); // merged
      await invoke(handler, { email: emails[1] }); // read
      await invoke(handler, { email: `${emails[0]} x` }); // invalid email, quoting it would leak
      await invoke(handler, { [emails[2]!]: phones[1] }); // an unknown field named after an email
      await invoke(handler, `{"email":"${emails[0]}"`); // malformed JSON
      await invoke(handler, { email: emails[0], phoneNumber: `${phones[0]}x` }); // invalid phone
      server.faults.unreachable = true;
      await invoke(handler, { email: emails[0], phoneNumber: phones[0] }, { budgetMs: 300 }); // 503
      server.faults.unreachable = false;
    } finally {
      spy.mockRestore();
      errSpy.mockRestore();
    }
    const lines = [...written.join('').split('\n'), ...serverLines].filter((line) => line.trim() !== '');
    const outcomes = lines.filter((line) => line.includes('"identified"')).map((line) => JSON.parse(line).outcome);
    expect(outcomes).toEqual(['created', 'linked', 'created', 'merged', 'read']);
    expect(lines.filter((line) => line.includes('"rejected"'))).toHaveLength(4);
    expect(lines.some((line) => line.includes('"unavailable"'))).toBe(true);
    for (const line of lines) {
      for (const secret of [...emails, ...phones, tag, digits]) expect(line, line).not.toContain(secret);
    }
    // Structured: every handler line is JSON with the request id.
    for (const line of written
      .join('')
      .split('\n')
      .filter((l) => l.trim())) {
      expect(JSON.parse(line)).toHaveProperty('function_request_id');
    }
  });

  it('of /lookup, /erase, /block and /unblock carry counts and ids, never a value, erased and blocked ones included', async () => {
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const emails = [`lorraine.${tag}@hillvalley.edu`, `mcfly.${tag}@hillvalley.edu`, `biff.${tag}@hillvalley.edu`, `doc.${tag}@hillvalley.edu`];
    const phones = [`${digits}1`, `${digits}2`, `${digits}3`];
    const shop = `${digits}0`;
    const send = (route: keyof OwnDataApi['handlers'], body: unknown, options: { budgetMs?: number } = {}) =>
      invoke(handlers[route], body, { path: `/${route}`, ...options });
    const statuses: number[] = [];
    const lines = await loggedLines(async () => {
      const run = async (route: keyof OwnDataApi['handlers'], body: unknown, options?: { budgetMs?: number }) =>
        statuses.push((await send(route, body, options)).status);
      await run('identify', { email: emails[0], phoneNumber: phones[0] });
      await run('identify', { email: emails[1], phoneNumber: phones[0] });
      await run('identify', { email: emails[2], phoneNumber: shop });
      await run('lookup', { email: emails[1], phoneNumber: shop }); // two groups
      await run('block', { phoneNumber: shop });
      await run('identify', { email: emails[3], phoneNumber: shop }); // the blocked phone left out
      await run('lookup', { phoneNumber: shop }); // only a blocked value: 400
      await run('unblock', { phoneNumber: shop });
      await run('erase', { email: emails[0], suppress: true }); // lorraine, mcfly and phone 1 erased and blocked
      await run('identify', { email: emails[1] }); // a suppressed value: 400
      await run('erase', { phoneNumber: phones[2] }); // nobody
      await run('block', { email: emails[3], phoneNumber: phones[1] });
      await run('unblock', { email: emails[3] });
      await run('erase', { email: `${emails[2]} x` }); // invalid email, quoting it would leak
      await run('block', { [emails[2]!]: phones[1] }); // an unknown field named after an email
      await run('unblock', `{"phoneNumber":"${phones[1]}"`); // malformed JSON
      await run('lookup', { email: emails[2], phoneNumber: `${phones[1]}x` }); // invalid phone
      server.faults.unreachable = true;
      await run('erase', { email: emails[2] }, { budgetMs: 300 }); // 503
      await run('lookup', { email: emails[2] }, { budgetMs: 300 }); // 503
      server.faults.unreachable = false;
    });
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 400, 200, 200, 400, 200, 200, 200, 400, 400, 400, 400, 503, 503]);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const messages = parsed.map((line) => line.message);
    for (const message of ['looked up', 'erased', 'blocked', 'unblocked', 'rejected', 'unavailable']) expect(messages, message).toContain(message);
    expect(parsed.filter((line) => line.message === 'erased').map((line) => line.contacts)).toEqual([2, 0]);
    for (const line of [...lines, ...serverLines]) {
      for (const secret of [...emails, ...phones, shop, tag, digits]) expect(line, line).not.toContain(secret);
    }
  });

  it('warn once when a request touches a large group, with ids, size and caller only', async () => {
    const { server: own, client, config } = await startOwnDataApi();
    const logger = new Logger({ serviceName: 'identify', logLevel: 'DEBUG' });
    const warning = buildHandler(createDependencies({ ...config, largeGroupWarningSize: 2 }, { client, logger }));
    const tag = uniqueTag();
    const digits = uniqueDigits();
    const emails = [`a.${tag}@hillvalley.edu`, `b.${tag}@hillvalley.edu`, `c.${tag}@hillvalley.edu`];
    const role = 'arn:aws:sts::123456789012:assumed-role/shop-backend/checkout';
    const signed = (body: object) => {
      const event = apiEvent(JSON.stringify(body));
      return { ...event, requestContext: { ...event.requestContext, authorizer: { iam: { userArn: role } } } } as APIGatewayProxyEventV2;
    };
    let lines: string[] = [];
    try {
      lines = await loggedLines(async () => {
        for (const email of emails) await warning(signed({ email, phoneNumber: digits }), lambdaContext());
        await warning(signed({ email: 'not an email' }), lambdaContext());
      });
    } finally {
      await own.close();
    }
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.filter((line) => line.message === 'large group')).toEqual([
      expect.objectContaining({ level: 'WARN', groupSize: 3, warningSize: 2, primaryContactId: expect.any(Number), caller: role }),
    ]);
    expect(parsed.filter((line) => line.message === 'identified').map((line) => line.caller)).toEqual([role, role, role]);
    expect(parsed.find((line) => line.message === 'rejected')).toMatchObject({ caller: role, statusCode: 400 });
    for (const line of lines) {
      for (const secret of [...emails, tag, digits]) expect(line, line).not.toContain(secret);
    }
  });
});
