import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { LocalDataApi } from 'local-data-api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildHandler } from '../functions/identify.js';
import { createDependencies } from '../lib/runtime/container.js';
import { uniqueDigits, uniqueTag } from './support/helpers.js';
import { apiEvent, type Handler, invoke, lambdaContext } from './support/lambda-events.js';
import { loggedLines } from './support/middy-chain.js';
import { startOwnDataApi } from './support/own-data-api.js';

// No email or phone number appears in any log line of a run: the handler's structured logs
// (Powertools, at DEBUG) and the local Data API server's call log, over good, bad and failing requests.
let server: LocalDataApi;
const serverLines: string[] = [];
let handler: Handler;

beforeAll(async () => {
  ({ server, handler } = await startOwnDataApi({
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
