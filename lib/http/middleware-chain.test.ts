import { describe, expect, it } from 'vitest';
import { apiEvent } from '../../test/support/lambda-events.js';
import { throughChain } from '../../test/support/middy-chain.js';
import { bodyGuards } from './middleware-chain.js';

// The body guards' order, through a real middy chain with the shared error answers: each refuses
// before the next one reads, so a request that is wrong in several ways hears about the first.

const guards = bodyGuards({ method: 'POST', path: '/identify' }, 64);
const big = JSON.stringify({ email: `${'a'.repeat(100)}@example.com` });

describe('bodyGuards', () => {
  it('refuses another route before looking at the body', async () => {
    const event = { ...apiEvent(big, { 'content-type': 'text/plain' }), rawPath: '/other' };
    event.requestContext = { ...event.requestContext, http: { ...event.requestContext.http, path: '/other' } };
    expect((await throughChain(guards, event)).status).toBe(404);
  });

  it('refuses a wrong content type before the size of the body', async () => {
    expect((await throughChain(guards, apiEvent(big, { 'content-type': 'text/plain' }))).status).toBe(415);
  });

  it('refuses a body over the limit before parsing it', async () => {
    expect((await throughChain(guards, apiEvent(`{"email": ${'['.repeat(80)}`))).status).toBe(413);
  });

  it('hands the route a parsed body when every guard is satisfied', async () => {
    const answer = await throughChain(guards, apiEvent('{"email":"a@b.co"}'));
    expect(answer.status).toBe(200);
    expect(answer.seen?.body).toEqual({ email: 'a@b.co' });
  });
});
