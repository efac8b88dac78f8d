import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { dataApiError } from './errors.js';

export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** node:crypto as the HashConstructor that @smithy/signature-v4 wants (HMAC when given a secret). */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? createHmac('sha256', toBytes(secret)) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/**
 * Verifies a request's SigV4 signature against the local credentials by signing the same request
 * again with @smithy/signature-v4 (what the SDK itself uses) and comparing. Throws as AWS refuses.
 */
export async function verifySignature(
  request: { method: string; path: string; headers: IncomingHttpHeaders; body: string },
  credentials: LocalCredentials,
): Promise<void> {
  const authorization = header(request.headers, 'authorization');
  if (!authorization) {
    throw dataApiError('UnrecognizedClientException', 'Missing Authentication Token: the request must be signed with SigV4');
  }
  const match = AUTH.exec(authorization);
  if (!match) throw dataApiError('InvalidSignatureException', 'Authorization header requires a valid AWS4-HMAC-SHA256 Credential, SignedHeaders and Signature');
  const [, accessKeyId, , region, service, signedHeaders, signature] = match;
  if (accessKeyId !== credentials.accessKeyId) {
    throw dataApiError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (service !== 'rds-data') throw dataApiError('InvalidSignatureException', `Credential should be scoped to correct service: 'rds-data'.`);
  const amzDate = header(request.headers, 'x-amz-date');
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) throw dataApiError('InvalidSignatureException', 'Missing or malformed X-Amz-Date header');

  const headers: Record<string, string> = {};
  for (const name of signedHeaders!.split(';')) headers[name] = header(request.headers, name) ?? '';
  const url = new URL(request.path, 'http://localhost');
  const signer = new SignatureV4({ credentials, region: region!, service: 'rds-data', sha256: NodeSha256 });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: headers.host ?? 'localhost',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: request.body,
    },
    { signingDate: parseAmzDate(amzDate), signingRegion: region, signingService: 'rds-data' },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ''))?.[1];
  if (expected !== signature) {
    throw dataApiError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
}

function toBytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAmzDate(value: string): Date {
  return new Date(`${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T${value.slice(9, 11)}:${value.slice(11, 13)}:${value.slice(13, 15)}Z`);
}
