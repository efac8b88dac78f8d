import { Logger } from '@aws-lambda-powertools/logger';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { describe, expect, it } from 'vitest';
import { apiEvent } from '../../../test/support/lambda-events.js';
import { loggedLines, throughChain } from '../../../test/support/middy-chain.js';
import { BadInput, Unavailable } from '../../errors.js';
import { toHttpError } from './json-errors.js';

const failing = (error: unknown) => ({ handler: async () => Promise.reject(error) });

describe('jsonErrors (with http-error-handler)', () => {
  it('sends an HttpError as its status and a JSON message', async () => {
    const answer = await throughChain([], apiEvent('{}'), failing(new BadInput('email is wrong')));
    expect(answer).toMatchObject({ status: 400, message: 'email is wrong' });
    expect(answer.headers['Content-Type']).toBe('application/json');
  });

  it('keeps the Retry-After of a 503', async () => {
    const answer = await throughChain([], apiEvent('{}'), failing(new Unavailable('database asleep', 15)));
    expect(answer).toMatchObject({ status: 503, message: 'database asleep', headers: { 'Retry-After': '15' } });
  });

  it("turns middy's timeout into a 503 with Retry-After", async () => {
    const timeout = Object.assign(new Error('[AbortError]: The operation was aborted.'), { name: 'TimeoutError' });
    const answer = await throughChain([], apiEvent('{}'), failing(timeout));
    expect(answer.status).toBe(503);
    expect(answer.headers['Retry-After']).toBe('5');
  });

  it('says malformed JSON must be a JSON object and is not valid JSON (400)', async () => {
    const answer = await throughChain([httpJsonBodyParser()], apiEvent('hello'));
    expect(answer.status).toBe(400);
    expect(answer.message).toMatch(/^request body must be a JSON object like \{"email": "\.\.\.", "phoneNumber": "\.\.\."\}; this one is not valid JSON \(/);
  });

  it('hides an unexpected error behind a 500 and logs it, without contact details', async () => {
    const logger = new Logger({ serviceName: 'identify', logLevel: 'INFO' });
    let answer: Awaited<ReturnType<typeof throughChain>> | undefined;
    const lines = await loggedLines(async () => {
      answer = await throughChain([], apiEvent('{}'), { logger, ...failing(new TypeError('boom for doc@hillvalley.edu')) });
    });
    expect(answer).toMatchObject({ status: 500, message: 'internal error' });
    const logged = lines.map((line) => JSON.parse(line) as { message: string; level: string });
    expect(logged).toEqual([expect.objectContaining({ level: 'ERROR', message: 'unexpected error' })]);
    expect(lines.join('')).not.toContain('doc@hillvalley.edu');
  });

  it('logs a refusal with its status only', async () => {
    const logger = new Logger({ serviceName: 'identify', logLevel: 'INFO' });
    const lines = await loggedLines(() => throughChain([], apiEvent('{}'), { logger, ...failing(new BadInput('doc@hillvalley.edu is wrong', 422)) }));
    expect(lines.map((line) => JSON.parse(line) as object)).toEqual([expect.objectContaining({ message: 'rejected', statusCode: 422 })]);
    expect(lines.join('')).not.toContain('hillvalley');
  });
});

const logger = new Logger({ logLevel: 'SILENT' });

/** What middy's JSON body parser throws for this body (the real parser, not a copy of its error). */
function parserError(body: string, contentType = 'application/json'): unknown {
  const parser = httpJsonBodyParser();
  const request = { event: { headers: { 'content-type': contentType }, body } } as unknown as Parameters<NonNullable<typeof parser.before>>[0];
  try {
    parser.before!(request);
  } catch (error) {
    return error;
  }
  throw new Error(`the parser accepted ${body}`);
}

describe('toHttpError, for what the JSON body parser refuses', () => {
  it('answers a "__proto__" key as an unknown field (400), naming it', () => {
    const error = toHttpError(parserError('{"email":"a@b.c","__proto__":{"admin":true}}'), logger);
    expect(error.statusCode).toBe(400);
    expect(error.message).toBe('unknown field "__proto__": only "email" and "phoneNumber" are accepted');
  });

  it('answers a "constructor" holding a "prototype" the same way', () => {
    const error = toHttpError(parserError('{"email":"a@b.c","constructor":{"prototype":{}}}'), logger);
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/^unknown field "constructor"/);
  });

  it("answers malformed JSON with 400 and the parser's reason", () => {
    const error = toHttpError(parserError('{"email":'), logger);
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/^request body must be a JSON object like .*; this one is not valid JSON \(/);
  });

  it('answers another content type with 415', () => {
    const error = toHttpError(parserError('email=a@b.c', 'application/x-www-form-urlencoded'), logger);
    expect(error.statusCode).toBe(415);
    expect(error.message).toBe('Content-Type must be application/json');
  });
});
