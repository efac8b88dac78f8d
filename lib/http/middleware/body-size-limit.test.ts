import { describe, expect, it } from 'vitest';
import { apiEvent } from '../../../test/support/lambda-events.js';
import { bytesEvent, throughChain } from '../../../test/support/middy-chain.js';
import { bodySizeLimit } from './body-size-limit.js';

describe('bodySizeLimit', () => {
  it('lets a body of exactly the limit through', async () => {
    expect((await throughChain([bodySizeLimit(10)], apiEvent('x'.repeat(10)))).status).toBe(200);
  });

  it('refuses one byte more with 413, counting bytes, not characters', async () => {
    const answer = await throughChain([bodySizeLimit(10)], apiEvent('é'.repeat(6)));
    expect(answer).toMatchObject({ status: 413, message: 'request body must be at most 10 bytes; this one has 12', seen: undefined });
  });

  it('counts the decoded bytes of a base64 body', async () => {
    expect((await throughChain([bodySizeLimit(10)], bytesEvent(new Uint8Array(10)))).status).toBe(200);
    expect((await throughChain([bodySizeLimit(10)], bytesEvent(new Uint8Array(11)))).status).toBe(413);
  });

  it('lets a missing body through (the parser explains it)', async () => {
    expect((await throughChain([bodySizeLimit(10)], apiEvent(undefined))).status).toBe(200);
  });
});
