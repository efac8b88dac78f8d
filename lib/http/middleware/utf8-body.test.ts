import httpJsonBodyParser from '@middy/http-json-body-parser';
import { describe, expect, it } from 'vitest';
import { apiEvent } from '../../../test/support/lambda-events.js';
import { bytesEvent, throughChain } from '../../../test/support/middy-chain.js';
import { utf8Body } from './utf8-body.js';

const latin1 = (text: string) => Buffer.from(text, 'latin1');

describe('utf8Body', () => {
  it('decodes a valid UTF-8 base64 body into text for the parser', async () => {
    const answer = await throughChain([utf8Body(), httpJsonBodyParser()], bytesEvent(Buffer.from('{"email":"café@b.co"}')));
    expect(answer.status).toBe(200);
    expect(answer.seen?.body).toEqual({ email: 'café@b.co' });
  });

  it.each([
    ['é as one Latin-1 byte', latin1('{"email":"caf\xe9@b.co"}')],
    ['è as one Latin-1 byte', latin1('{"email":"caf\xe8@b.co"}')],
    ['a truncated sequence', Buffer.from([0x7b, 0x22, 0xe2, 0x82, 0x22, 0x7d])],
    ['an overlong encoding', Buffer.from([0x22, 0xc0, 0xaf, 0x22])],
    ['an encoded surrogate', Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22])],
  ])('refuses bytes that are not UTF-8 (%s) with 400, before anything reads them', async (_name, bytes) => {
    const answer = await throughChain([utf8Body(), httpJsonBodyParser()], bytesEvent(bytes));
    expect(answer).toMatchObject({ status: 400, message: 'request body is not valid UTF-8: send the JSON encoded as UTF-8', seen: undefined });
  });

  it('names a byte-order mark, as bytes or as text', async () => {
    const message = 'request body starts with a byte-order mark (U+FEFF): send UTF-8 without a BOM';
    const asBytes = await throughChain([utf8Body()], bytesEvent(Buffer.from('\uFEFF{"email":"a@b.co"}')));
    const asText = await throughChain([utf8Body()], apiEvent('\uFEFF{"email":"a@b.co"}'));
    expect(asBytes).toMatchObject({ status: 400, message });
    expect(asText).toMatchObject({ status: 400, message });
  });

  it('leaves a text body as it is', async () => {
    const answer = await throughChain([utf8Body()], apiEvent('{"email":"café@b.co"}'));
    expect(answer.seen).toMatchObject({ body: '{"email":"café@b.co"}', isBase64Encoded: false });
  });
});
