import { createHash, createHmac, type Hash, type Hmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { getCanonicalHeaders, SignatureV4Base } from '@smithy/signature-v4';
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
 * Verifies a request's SigV4 signature against the local credentials: the canonical request is
 * built with @smithy/signature-v4's own canonicalisation (what the SDK signs with), then signed
 * with node:crypto and a signing key derived once per secret, day, region and service (as the SDK
 * caches it), and compared in constant time. Throws as AWS refuses.
 */
export async function verifySignature(
  request: { method: string; path: string; headers: IncomingHttpHeaders; body: Uint8Array | string },
  credentials: LocalCredentials,
  options: { maxClockSkewMs?: number; now?: number; service?: string; region?: string } = {},
): Promise<void> {
  const expectedService = options.service ?? 'rds-data';
  const claim = readAuthorization(request.headers, credentials, expectedService);
  // A service of one region (an API's endpoint) takes signatures for that region only.
  if (options.region !== undefined && claim.region !== options.region) {
    throw dataApiError('InvalidSignatureException', `Credential should be scoped to a valid region, not '${claim.region}'.`);
  }
  const amzDate = checkDate(request.headers, claim.scopeDate, options);
  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  const claimedHash = header(request.headers, 'x-amz-content-sha256');
  if (claimedHash !== undefined && claimedHash !== 'UNSIGNED-PAYLOAD' && claimedHash !== bodyHash) {
    throw dataApiError('InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const canonicalRequest = canonicalRequestOf(request, claim.signedHeaders, amzDate, bodyHash);
  const scope = `${claim.scopeDate}/${claim.region}/${expectedService}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const key = signingKey(credentials.secretAccessKey, claim.scopeDate, claim.region, expectedService);
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(claim.signature, 'hex'))) {
    throw dataApiError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
}

interface AuthorizationClaim {
  scopeDate: string;
  region: string;
  signedHeaders: string[];
  signature: string;
}

/** The Authorization header's claim: who signed, for which day, region and service, which headers. */
function readAuthorization(headers: IncomingHttpHeaders, credentials: LocalCredentials, expectedService: string): AuthorizationClaim {
  const authorization = header(headers, 'authorization');
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
  return { scopeDate: scopeDate!, region: region!, signedHeaders: signedHeaders!.split(';'), signature: signature! };
}

/** X-Amz-Date: present, of the credential's day, and within the allowed clock skew. */
function checkDate(headers: IncomingHttpHeaders, scopeDate: string, options: { maxClockSkewMs?: number; now?: number }): string {
  const amzDate = header(headers, 'x-amz-date');
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
    throw dataApiError(
      'InvalidSignatureException',
      `Signature not yet current: ${amzDate} is still later than ${toAmzDate(now + skew)} (${toAmzDate(now)} + 5 min.)`,
    );
  }
  return amzDate;
}

/** @smithy/signature-v4's canonical request (path normalisation and escaping, query), exposed. */
class Canonicalizer extends SignatureV4Base {
  constructor() {
    super({ credentials: { accessKeyId: '', secretAccessKey: '' }, region: '', service: '', sha256: NodeSha256 });
  }
  build(...args: Parameters<SignatureV4Base['createCanonicalRequest']>): string {
    return this.createCanonicalRequest(...args);
  }
}
const canonicalizer = new Canonicalizer();

/**
 * The canonical request of exactly the headers the client signed, as @smithy/signature-v4 builds
 * it when it signs that request: authorization and date are never signed (it generates them),
 * x-amz-date is the request's, and a signed x-amz-content-sha256 stands for the body's hash.
 */
function canonicalRequestOf(
  request: { method: string; path: string; headers: IncomingHttpHeaders },
  signed: string[],
  amzDate: string,
  bodyHash: string,
): string {
  const headers: Record<string, string> = {};
  for (const name of signed) if (name !== 'authorization' && name !== 'date') headers[name] = header(request.headers, name) ?? '';
  headers['x-amz-date'] = amzDate;
  const canonicalHeaders = getCanonicalHeaders({ headers } as Parameters<typeof getCanonicalHeaders>[0], undefined, new Set(signed));
  const payloadHash = headers['x-amz-content-sha256'] ?? bodyHash;
  const httpRequest = { method: request.method, protocol: 'http:', hostname: headers.host ?? 'localhost', ...pathAndQuery(request.path), headers };
  return canonicalizer.build(httpRequest, canonicalHeaders, payloadHash);
}

/** A plain path (every Data API call's) as it is; anything else through URL, which decodes and normalises it. */
function pathAndQuery(path: string): { path: string; query: Record<string, string> } {
  if (PLAIN_PATH.test(path)) return { path, query: {} };
  const url = new URL(path, 'http://localhost');
  return { path: url.pathname, query: Object.fromEntries(url.searchParams) };
}
const PLAIN_PATH = /^(\/[A-Za-z0-9_-]+)+$/;

const signingKeys = new Map<string, Buffer>();

/** kSigning = HMAC chain of the secret over day, region, service and "aws4_request"; one a day per scope, as the SDK caches it. */
function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  const cacheKey = `${day}/${region}/${service}/${secret}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    if (signingKeys.size >= 64) signingKeys.clear();
    key = [day, region, service, 'aws4_request'].reduce<Buffer>((k, part) => createHmac('sha256', k).update(part).digest(), Buffer.from(`AWS4${secret}`));
    signingKeys.set(cacheKey, key);
  }
  return key;
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
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
