import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import type { DataApiError } from './errors.js';
import { NodeSha256, verifySignature } from './sigv4.js';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const body = JSON.stringify({ sql: 'SELECT 1' });
const now = Date.UTC(2025, 0, 15, 12, 0, 0);

async function signed(options: { secret?: string; date?: number; region?: string; service?: string } = {}): Promise<IncomingHttpHeaders> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: 'local', secretAccessKey: options.secret ?? 'local' },
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'rds-data',
    sha256: NodeSha256,
  });
  const request = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 8080,
      path: '/Execute',
      headers: { host: '127.0.0.1:8080', 'content-type': 'application/json' },
      body,
    },
    { signingDate: new Date(options.date ?? now) },
  );
  return Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
}

async function verify(headers: IncomingHttpHeaders, requestBody: string = body): Promise<DataApiError | undefined> {
  try {
    await verifySignature({ method: 'POST', path: '/Execute', headers, body: Buffer.from(requestBody) }, credentials, { now });
    return undefined;
  } catch (error) {
    return error as DataApiError;
  }
}

describe('verifySignature', () => {
  it('accepts a request the SDK signed with the local credentials, in any region', async () => {
    expect(await verify(await signed())).toBeUndefined();
    expect(await verify(await signed({ region: 'eu-west-1' }))).toBeUndefined();
  });

  it('accepts a request whose signed x-amz-content-sha256 was left out (the SDK v2 does not send it)', async () => {
    const headers = await signed();
    expect(headers['x-amz-content-sha256']).toBeDefined();
    const withoutHash = { ...headers };
    delete withoutHash['x-amz-content-sha256'];
    // Signed without the header: the verification must not add it either.
    const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'rds-data', sha256: NodeSha256, applyChecksum: false });
    const request = await signer.sign(
      { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', path: '/Execute', headers: { host: '127.0.0.1:8080' }, body },
      { signingDate: new Date(now) },
    );
    expect(await verify(Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])))).toBeUndefined();
  });

  it('refuses a request without Authorization as MissingAuthenticationTokenException', async () => {
    const e = await verify({ host: '127.0.0.1:8080' });
    expect([e?.name, e?.status, e?.message]).toEqual(['MissingAuthenticationTokenException', 403, 'Missing Authentication Token']);
  });

  it('refuses a signature made with another secret as InvalidSignatureException', async () => {
    const e = await verify(await signed({ secret: 'wrong' }));
    expect([e?.name, e?.status]).toEqual(['InvalidSignatureException', 403]);
    expect(e?.message).toMatch(/^The request signature we calculated does not match/);
  });

  it('refuses an unknown access key as UnrecognizedClientException', async () => {
    const headers = await signed();
    headers.authorization = String(headers.authorization).replace('Credential=local/', 'Credential=AKIAOTHER/');
    const e = await verify(headers);
    expect([e?.name, e?.message]).toEqual(['UnrecognizedClientException', 'The security token included in the request is invalid.']);
  });

  it('refuses a body changed after signing', async () => {
    const e = await verify(await signed(), JSON.stringify({ sql: 'DROP TABLE Contact' }));
    expect(e?.name).toBe('InvalidSignatureException');
  });

  it('refuses a signature for another service', async () => {
    const e = await verify(await signed({ service: 's3' }));
    expect(e?.name).toBe('InvalidSignatureException');
  });

  it('refuses signatures more than 5 minutes old or ahead, in AWS words', async () => {
    const old = await verify(await signed({ date: now - 6 * 60_000 }));
    expect(old?.name).toBe('InvalidSignatureException');
    expect(old?.message).toBe('Signature expired: 20250115T115400Z is now earlier than 20250115T115500Z (20250115T120000Z - 5 min.)');
    const ahead = await verify(await signed({ date: now + 6 * 60_000 }));
    expect(ahead?.message).toMatch(/^Signature not yet current: 20250115T120600Z is still later than/);
    expect(await verify(await signed({ date: now - 4 * 60_000 }))).toBeUndefined();
  });

  it('refuses a malformed Authorization header', async () => {
    const e = await verify({ host: '127.0.0.1:8080', authorization: 'Bearer abc', 'x-amz-date': '20250115T120000Z' });
    expect(e?.name).toBe('InvalidSignatureException');
  });

  it('accepts what @smithy/signature-v4 signs for paths, queries, headers and services of every shape, and refuses each one changed', async () => {
    const cases: { path: string; query: Record<string, string>; headers: Record<string, string>; service: string }[] = [
      { path: '/Execute', query: {}, headers: { 'content-type': 'application/json' }, service: 'rds-data' },
      {
        path: '/identify',
        query: { a: 'b c', z: '1', é: 'ü/?' },
        headers: { 'x-custom': '  two   spaces  ', 'content-type': 'application/json; charset=utf-8' },
        service: 'execute-api',
      },
      {
        path: '/2015-03-31/functions/my-function/invocations',
        query: { empty: '' },
        headers: { 'x-amz-user-agent': 'aws-sdk-js/3', 'x-amz-target': 'X.Y' },
        service: 'lambda',
      },
    ];
    for (const c of cases) {
      const signer = new SignatureV4({ credentials, region: 'eu-central-1', service: c.service, sha256: NodeSha256 });
      const request = await signer.sign(
        {
          method: 'POST',
          protocol: 'http:',
          hostname: '127.0.0.1',
          port: 3000,
          path: c.path,
          query: c.query,
          headers: { host: '127.0.0.1:3000', ...c.headers },
          body,
        },
        { signingDate: new Date(now) },
      );
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
      const search = new URLSearchParams(c.query).toString();
      const path = `${c.path}${search ? `?${search}` : ''}`;
      const check = (changed: { path?: string; headers?: IncomingHttpHeaders; body?: string }) =>
        verifySignature(
          { method: 'POST', path: changed.path ?? path, headers: changed.headers ?? headers, body: Buffer.from(changed.body ?? body) },
          credentials,
          { now, service: c.service },
        ).then(
          () => undefined,
          (error: DataApiError) => error.name,
        );
      expect(await check({}), `${c.service} ${c.path}`).toBeUndefined();
      expect(await check({ path: `${path}${search ? '&' : '?'}extra=1` })).toBe('InvalidSignatureException');
      expect(await check({ headers: { ...headers, host: '127.0.0.1:3001' } })).toBe('InvalidSignatureException');
      expect(await check({ headers: { ...headers, 'content-type': 'text/plain' } })).toBe(c.headers['content-type'] ? 'InvalidSignatureException' : undefined);
      expect(await check({ body: `${body} ` })).toBe('InvalidSignatureException');
    }
  });
});
