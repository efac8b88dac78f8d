import { Logger } from '@aws-lambda-powertools/logger';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { describe, expect, it } from 'vitest';
import { apiEvent } from '../../dev/lambda.js';
import { loggedLines, throughChain } from '../../test/middy-chain.js';
import { BadInput, Unavailable } from '../errors.js';

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
