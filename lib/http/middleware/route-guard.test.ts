import { describe, expect, it } from 'vitest';
import { apiEvent } from '../../../test/support/lambda-events.js';
import { throughChain } from '../../../test/support/middy-chain.js';
import { routeGuard } from './route-guard.js';

const request = (method: string, path: string) => {
  const event = apiEvent('{}');
  return { ...event, rawPath: path, requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method, path } } };
};

describe('routeGuard', () => {
  it('lets POST /identify through', async () => {
    const answer = await throughChain([routeGuard('POST', '/identify')], request('POST', '/identify'));
    expect(answer.status).toBe(200);
    expect(answer.seen).toBeDefined();
  });

  it('answers another path with a JSON 404 naming the route', async () => {
    const answer = await throughChain([routeGuard('POST', '/identify')], request('POST', '/identity'));
    expect(answer).toMatchObject({ status: 404, message: 'Not Found: the only route is POST /identify', seen: undefined });
  });

  it('answers another method with a JSON 405 and Allow: POST', async () => {
    const answer = await throughChain([routeGuard('POST', '/identify')], request('get', '/identify'));
    expect(answer.status).toBe(405);
    expect(answer.headers.Allow).toBe('POST');
    expect(answer.message).toMatch(/POST only/);
    expect(answer.seen).toBeUndefined();
  });
});
