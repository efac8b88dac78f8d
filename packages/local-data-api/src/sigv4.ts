import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { dataApiError } from './errors.js';

export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** node:crypto as the HashConstructor that @smithy/signature-v4 wants (HMAC when given a secret). */
export class NodeSha256 {
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
  request: { method: string; path: string; headers: IncomingHttpHeaders; body: Uint8Array | string },
  credentials: LocalCredentials,
  options: { maxClockSkewMs?: number; now?: number; service?: string } = {},
): Promise<void> {
  const expectedService = options.service ?? 'rds-data';
  const authorization = header(request.headers, 'authorization');
  if (!authorization) throw dataApiError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const match = AUTH.exec(authorization);
  if (!match) {
    throw dataApiError(
      'InvalidSignatureException',
      `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters of an AWS4-HMAC-SHA256 signature.`,
    );
  }
  const [, accessKeyId, scopeDate, region, service, signedHeaders, signature] = match;
  if (accessKeyId !== credentials.accessKeyId) {
    throw dataApiError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (service !== expectedService) {
    throw dataApiError('InvalidSignatureException', `Credential should be scoped to correct service: '${expectedService}'.`);
  }
  const amzDate = header(request.headers, 'x-amz-date');
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    throw dataApiError('InvalidSignatureException', `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.`);
  }
  if (amzDate.slice(0, 8) !== scopeDate) {
    throw dataApiError(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from 'X-Amz-Date'.`,
    );
  }
  const skew = options.maxClockSkewMs ?? 5 * 60_000;
  const now = options.now ?? Date.now();
  const signedAt = parseAmzDate(amzDate).getTime();
  if (signedAt < now - skew) {
    throw dataApiError('InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than ${toAmzDate(now - skew)} (${toAmzDate(now)} - 5 min.)`);
  }
  if (signedAt > now + skew) {
    throw dataApiError('InvalidSignatureException', `Signature not yet current: ${amzDate} is still later than ${toAmzDate(now + skew)} (${toAmzDate(now)} + 5 min.)`);
  }

  const signed = signedHeaders!.split(';');
  const headers: Record<string, string> = {};
  for (const name of signed) headers[name] = header(request.headers, name) ?? '';
  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  const claimedHash = header(request.headers, 'x-amz-content-sha256');
  if (claimedHash !== undefined && claimedHash !== 'UNSIGNED-PAYLOAD' && claimedHash !== bodyHash) {
    throw dataApiError('InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const url = new URL(request.path, 'http://localhost');
  // Sign the same request again: exactly the headers the client signed, nothing added.
  const signer = signerFor(credentials, region!, expectedService);
  const resigned = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: headers.host ?? 'localhost',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: request.body,
    },
    { signingDate: parseAmzDate(amzDate), signingRegion: region, signingService: expectedService, signableHeaders: new Set(signed) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(resigned.headers.authorization ?? ''))?.[1];
  if (expected !== signature) {
    throw dataApiError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
}

const signers = new WeakMap<LocalCredentials, Map<string, SignatureV4>>();

/** One signer per credentials, region and service: it caches its signing keys (one per day). */
function signerFor(credentials: LocalCredentials, region: string, service: string): SignatureV4 {
  let byScope = signers.get(credentials);
  if (!byScope) signers.set(credentials, (byScope = new Map()));
  const scope = `${region}/${service}`;
  let signer = byScope.get(scope);
  if (!signer) {
    if (byScope.size > 32) byScope.clear();
    signer = new SignatureV4({ credentials, region, service, sha256: NodeSha256, applyChecksum: false });
    byScope.set(scope, signer);
  }
  return signer;
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

function toAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
