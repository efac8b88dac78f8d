import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { LOCAL_DEFAULTS } from 'local-data-api';
import { describe, expect, it } from 'vitest';
import { LOCAL_PRINCIPAL } from '../../infra/local/gateway/local-principal.js';
import { exampleCurl } from '../../infra/local/output.js';
import { callGateway, postIdentify, rowsTagged, stack, uniqueTag } from '../support/helpers.js';

// The local stand-in for API Gateway, as a caller meets it: IAM (SigV4) authorization on by default,
// no CORS, the request passed to the handler as the client sent it, the gateway's payload limit.
const json = { 'content-type': 'application/json' };
const MISMATCH = /^The request signature we calculated does not match the signature you provided/;

describe('authorization at the local gateway (SigV4 for execute-api, local/local)', () => {
  it('refuses an unsigned request with 403 {"message":"Forbidden"} and writes nothing', async () => {
    const tag = uniqueTag();
    const answer = await postIdentify({ email: `unsigned.${tag}@example.com` }, json, { credentials: false });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.json).toEqual({ message: 'Forbidden' });
    expect(await rowsTagged(tag)).toEqual([]);
  });

  it('refuses a request signed with a wrong secret with 403 and the signature mismatch message', async () => {
    const tag = uniqueTag();
    const answer = await postIdentify({ email: `wrong.${tag}@example.com` }, json, { credentials: { accessKeyId: 'local', secretAccessKey: 'not-local' } });
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({ message: expect.stringMatching(MISMATCH) });
    expect(await rowsTagged(tag)).toEqual([]);
  });

  it('refuses a signature scoped to another region with 403', async () => {
    const tag = uniqueTag();
    const answer = await postIdentify({ email: `region.${tag}@example.com` }, json, { region: 'eu-west-1' });
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({ message: "Credential should be scoped to a valid region, not 'eu-west-1'." });
    expect(await rowsTagged(tag)).toEqual([]);
  });

  it('refuses an unknown access key with 403', async () => {
    const tag = uniqueTag();
    const answer = await postIdentify({ email: `stranger.${tag}@example.com` }, json, {
      credentials: { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'local' },
    });
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({ message: 'The security token included in the request is invalid.' });
    expect(await rowsTagged(tag)).toEqual([]);
  });

  it('refuses a signed request whose body was changed after signing', async () => {
    const tag = uniqueTag();
    const email = `tampered.${tag}@example.com`;
    const { gatewaySigner } = await import('../support/sign.js');
    const url = `${stack().url}/identify`;
    const { host: _host, ...headers } = await gatewaySigner(LOCAL_DEFAULTS.credentials)(url, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: 'x@example.com' }),
    });
    const response = await fetch(url, { method: 'POST', headers, body: Buffer.from(JSON.stringify({ email })) });
    expect(response.status).toBe(403);
    // The signer also signs the body's hash (x-amz-content-sha256): AWS names that mismatch first.
    expect(await response.json()).toEqual({ message: "The provided 'x-amz-content-sha256' header does not match what was computed." });
    expect(await rowsTagged(tag)).toEqual([]);
  });

  it('lets a signed request through to the handler: 200 and the row written', async () => {
    const tag = uniqueTag();
    const email = `signed.${tag}@example.com`;
    const answer = await postIdentify({ email }, json);
    expect(answer.status).toBe(200);
    const rows = await rowsTagged(tag);
    expect(rows).toHaveLength(1);
    expect(answer.json.contact).toEqual({ primaryContactId: rows[0]!.id, emails: [email], phoneNumbers: [], secondaryContactIds: [] });
  });

  it('grants a caller its own routes only: support/support reads through /lookup, and gets 403 naming the route on /identify, writing nothing', async () => {
    const tag = uniqueTag();
    const support = { accessKeyId: 'support', secretAccessKey: 'support' };
    const refused = await postIdentify({ email: `support.${tag}@example.com` }, json, { credentials: support });
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual({
      message:
        'User: arn:aws:iam::000000000000:user/support is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:local/$default/POST/identify',
    });
    expect(await rowsTagged(tag)).toEqual([]);
    // The same person, recorded by a caller granted /identify (local/local), is found by support.
    const email = `found.${tag}@example.com`;
    expect((await postIdentify({ email }, json)).status).toBe(200);
    const found = await callGateway(JSON.stringify({ email }), json, { path: '/lookup', credentials: support });
    expect(found.status).toBe(200);
    const rows = await rowsTagged(tag);
    expect(found.json).toEqual({ contacts: [{ primaryContactId: rows[0]!.id, emails: [email], phoneNumbers: [], secondaryContactIds: [] }] });
    expect(rows).toHaveLength(1);
  });

  it("answers the signed curl that `npm start` prints, run with the machine's curl", async () => {
    const tag = uniqueTag();
    const email = `curl.${tag}@example.com`;
    const command = exampleCurl({ url: stack().url, auth: true, principal: LOCAL_PRINCIPAL }, JSON.stringify({ email }));
    expect(command).toMatch(/^curl --aws-sigv4 "aws:amz:us-east-1:execute-api" --user local:local /);
    const { stdout } = await promisify(execFile)('sh', ['-c', `${command} --silent --show-error`]);
    expect(JSON.parse(stdout).contact.emails).toEqual([email]);
    expect(await rowsTagged(tag)).toHaveLength(1);
  });
});

describe('no CORS, as on an HTTP API without a CORS configuration', () => {
  it('does not grant a browser preflight', async () => {
    const response = await fetch(`${stack().url}/identify`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it('adds no access-control header to an answer, whatever the origin', async () => {
    const answer = await postIdentify({ email: `cors.${uniqueTag()}@example.com` }, { ...json, origin: 'https://shop.example' });
    expect(answer.status).toBe(200);
    expect([...answer.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });
});

describe('the request reaches the handler as the client sent it', () => {
  it('no Content-Type is 415 and writes nothing (nothing fills the header in)', async () => {
    const tag = uniqueTag();
    const answer = await postIdentify({ email: `bare.${tag}@example.com` }, {});
    expect(answer.status).toBe(415);
    expect(answer.json).toEqual({ message: expect.stringMatching(/application\/json/) });
    expect(await rowsTagged(tag)).toEqual([]);
  });

  it('a JSON string body reaches the handler quoted, as sent', async () => {
    const answer = await postIdentify(JSON.stringify('a@b.c'), json);
    expect(answer.status).toBe(400);
    expect(answer.json.message).toMatch(/JSON object/);
  });

  it('a body over the gateway\'s 10 MB limit is 413 {"message":"Request Entity Too Large"}', async () => {
    const answer = await callGateway(`{"email":"big@example.com","pad":"${'x'.repeat(10 * 1024 * 1024)}"}`, json);
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({ message: 'Request Entity Too Large' });
  });
});
