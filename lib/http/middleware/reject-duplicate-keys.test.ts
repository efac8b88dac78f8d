import { describe, expect, it } from 'vitest';
import { apiEvent } from '../../../test/support/lambda-events.js';
import { bytesEvent, throughChain } from '../../../test/support/middy-chain.js';
import { findDuplicateKey, rejectDuplicateKeys } from './reject-duplicate-keys.js';

describe('rejectDuplicateKeys', () => {
  it('lets distinct keys through', async () => {
    expect((await throughChain([rejectDuplicateKeys()], apiEvent('{"email":"a@b.co","phoneNumber":"1"}'))).status).toBe(200);
  });

  it('refuses a repeated key with 400 naming it', async () => {
    const answer = await throughChain([rejectDuplicateKeys()], apiEvent('{"email":"a@b.co","email":"c@d.co"}'));
    expect(answer).toMatchObject({ status: 400, message: 'the JSON body repeats the key "email"; send each field once', seen: undefined });
  });

  it('sees a key spelled with an escape, and reads base64 bodies', async () => {
    const text = '{"email":"a@b.co","\\u0065mail":"c@d.co"}';
    expect((await throughChain([rejectDuplicateKeys()], apiEvent(text))).status).toBe(400);
    expect((await throughChain([rejectDuplicateKeys()], bytesEvent(Buffer.from(text)))).status).toBe(400);
  });

  it('leaves malformed JSON to the parser and keys of different objects alone', () => {
    expect(findDuplicateKey('{"a":1,"a"')).toBe('a');
    expect(findDuplicateKey('{"a":"x')).toBeUndefined();
    expect(findDuplicateKey('{"a":{"a":1},"b":[{"a":1},{"a":2}]}')).toBeUndefined();
  });
});
