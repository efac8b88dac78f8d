import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { describe, expect, it } from 'vitest';
import { apiEvent } from '../../../test/support/lambda-events.js';
import { throughChain } from '../../../test/support/middy-chain.js';
import { jsonContentType } from './json-content-type.js';

// As in the handler: header names normalised first, the JSON parser after.
const chain = () => [httpHeaderNormalizer(), jsonContentType(), httpJsonBodyParser()];
const withType = (type?: string) => apiEvent('{"email":"a@b.co"}', type === undefined ? {} : { 'Content-Type': type });

describe('jsonContentType', () => {
  it.each([
    'application/json',
    'APPLICATION/JSON',
    'Application/Json',
    'application/json; charset=UTF-8',
    'application/json;charset=utf-8',
    'application/json; charset="utf-8"',
    'APPLICATION/JSON; CHARSET=UTF-8',
    'application/json; foo=bar',
    ' application/json ',
  ])('accepts %j and the body is parsed', async (type) => {
    const answer = await throughChain(chain(), withType(type));
    expect(answer.status).toBe(200);
    expect(answer.seen?.body).toEqual({ email: 'a@b.co' });
  });

  it.each([
    [undefined, 'Content-Type is missing: send Content-Type: application/json'],
    ['', 'Content-Type is missing: send Content-Type: application/json'],
    ['text/plain', 'Content-Type must be application/json, not text/plain'],
    ['application/x-www-form-urlencoded', 'Content-Type must be application/json, not application/x-www-form-urlencoded'],
    ['application/vnd.api+json', 'Content-Type must be application/json, not application/vnd.api+json'],
    ['json', 'Content-Type is not a valid media type: send Content-Type: application/json'],
    ['application/json; charset=latin1', 'Content-Type charset must be utf-8 (the body must be UTF-8 JSON), not "latin1"'],
    ['application/json; charset=UTF-16', 'Content-Type charset must be utf-8 (the body must be UTF-8 JSON), not "UTF-16"'],
  ])('refuses %j with 415: %s', async (type, message) => {
    const answer = await throughChain(chain(), withType(type));
    expect(answer).toMatchObject({ status: 415, message, seen: undefined });
  });
});
