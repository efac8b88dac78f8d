import { Logger } from '@aws-lambda-powertools/logger';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { describe, expect, it } from 'vitest';
import { toHttpError } from './json-errors.js';

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
    expect(error.message).toMatch(/^request body must be valid JSON: /);
  });

  it('answers another content type with 415', () => {
    const error = toHttpError(parserError('email=a@b.c', 'application/x-www-form-urlencoded'), logger);
    expect(error.statusCode).toBe(415);
    expect(error.message).toBe('Content-Type must be application/json');
  });
});
