import { describe, expect, it } from 'vitest';
import { callerOf } from './auth.js';
import { buildEvent, clfTime, isTextual, type RawRequest, routeFor } from './event.js';
import { LOCAL_PRINCIPAL as principal } from './local-principal.js';

const now = new Date(Date.UTC(2020, 2, 12, 19, 3, 58));

function request(overrides: Partial<RawRequest> = {}): RawRequest {
  return {
    method: 'POST',
    target: '/identify',
    httpVersion: '1.1',
    rawHeaders: ['Host', '127.0.0.1:3000', 'Content-Type', 'application/json', 'User-Agent', 'curl/8.5.0'],
    body: Buffer.from('{"email":"doc@hillvalley.edu"}'),
    sourceIp: '127.0.0.1',
    sourcePort: 50000,
    localPort: 3000,
    ...overrides,
  };
}

describe('the payload 2.0 event the gateway builds', () => {
  it('carries the request as API Gateway does: route, path, context, text body', () => {
    const event = buildEvent(request(), { requestId: 'abc123', now, accountId: '000000000000', caller: callerOf(principal) });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /identify',
      rawPath: '/identify',
      rawQueryString: '',
      body: '{"email":"doc@hillvalley.edu"}',
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        domainName: '127.0.0.1:3000',
        http: { method: 'POST', path: '/identify', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8.5.0' },
        requestId: 'abc123',
        routeKey: 'POST /identify',
        stage: '$default',
        time: '12/Mar/2020:19:03:58 +0000',
        timeEpoch: now.getTime(),
        authorizer: {
          iam: {
            accessKey: 'local',
            accountId: '000000000000',
            callerId: 'AIDALOCALUSER00000000',
            userArn: 'arn:aws:iam::000000000000:user/local',
            userId: 'AIDALOCALUSER00000000',
            cognitoIdentity: null,
            principalOrgId: null,
          },
        },
      },
    });
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.cookies).toBeUndefined();
  });

  it('passes headers as sent: lower-cased names, repeats joined with commas, nothing filled in', () => {
    const event = buildEvent(request({ rawHeaders: ['Host', 'h', 'X-Tag', 'a', 'x-tag', 'b', 'Cookie', 'a=1; b=2'] }), { requestId: 'r', now, accountId: '0' });
    expect(event.headers['x-tag']).toBe('a,b');
    expect(event.headers['content-type']).toBeUndefined();
    expect(event.headers.cookie).toBeUndefined();
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.requestContext.authorizer).toBeUndefined();
  });

  it('base64-encodes a body whose content type is missing or not text', () => {
    const missing = buildEvent(request({ rawHeaders: ['Host', 'h'] }), { requestId: 'r', now, accountId: '0' });
    expect(missing.isBase64Encoded).toBe(true);
    expect(Buffer.from(missing.body!, 'base64').toString()).toBe('{"email":"doc@hillvalley.edu"}');
    const form = buildEvent(request({ rawHeaders: ['Content-Type', 'application/x-www-form-urlencoded'], body: Buffer.from('a=b') }), {
      requestId: 'r',
      now,
      accountId: '0',
    });
    expect(form).toMatchObject({ isBase64Encoded: true, body: Buffer.from('a=b').toString('base64') });
  });

  it('leaves out the body of a request without one', () => {
    const event = buildEvent(request({ method: 'GET', body: Buffer.alloc(0) }), { requestId: 'r', now, accountId: '0' });
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);
    expect(event.routeKey).toBe('ANY /identify');
  });

  it('splits the query string and joins repeated parameters', () => {
    const event = buildEvent(request({ target: '/identify?a=1&a=2&b=x%20y' }), { requestId: 'r', now, accountId: '0' });
    expect(event.rawPath).toBe('/identify');
    expect(event.rawQueryString).toBe('a=1&a=2&b=x%20y');
    expect(event.queryStringParameters).toEqual({ a: '1,2', b: 'x y' });
  });

  it('names the route the local stage matched', () => {
    expect(routeFor('POST', '/identify')).toEqual({ routeKey: 'POST /identify' });
    expect(routeFor('OPTIONS', '/identify')).toEqual({ routeKey: 'ANY /identify' });
    expect(routeFor('POST', '/')).toEqual({ routeKey: 'ANY /' });
    expect(routeFor('POST', '/a/b')).toEqual({ routeKey: 'ANY /{proxy+}', pathParameters: { proxy: 'a/b' } });
  });

  it('counts text, JSON, XML and JavaScript as text, and nothing else', () => {
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'text/plain',
      'application/problem+json',
      'application/xml',
      'application/javascript',
    ]) {
      expect(isTextual(type), type).toBe(true);
    }
    for (const type of [undefined, '', 'application/octet-stream', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'image/png']) {
      expect(isTextual(type), String(type)).toBe(false);
    }
  });

  it('writes the request time as API Gateway does', () => {
    expect(clfTime(new Date(Date.UTC(2026, 0, 5, 4, 3, 2)))).toBe('05/Jan/2026:04:03:02 +0000');
  });
});
