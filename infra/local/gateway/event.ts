import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type IamCaller, LOCAL_API_ID } from './auth.js';

/**
 * The API Gateway HTTP API event (payload format 2.0) for one raw request, built the way API Gateway
 * builds it: headers as the client sent them (names lower-cased, repeated ones joined with commas,
 * cookies moved to `cookies`), the body as text, or base64 with isBase64Encoded for a content type
 * that is not text. Pure: the request id and the clock are passed in.
 */

export interface RawRequest {
  method: string;
  /** The request target as sent: path and query string. */
  target: string;
  httpVersion: string;
  /** node's IncomingMessage.rawHeaders: name, value, name, value, ... */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  sourcePort: number;
  localPort: number;
}

export interface EventContext {
  requestId: string;
  now: Date;
  accountId: string;
  caller?: IamCaller;
}

/** The routes the local stage has: POST /identify, and the rest to the same function, whose route guard answers 404/405. */
export function routeFor(method: string, path: string): { routeKey: string; pathParameters?: Record<string, string> } {
  if (path === '/identify') return { routeKey: method === 'POST' ? 'POST /identify' : 'ANY /identify' };
  if (path === '/') return { routeKey: 'ANY /' };
  return { routeKey: 'ANY /{proxy+}', pathParameters: { proxy: path.slice(1) } };
}

/** With IAM authorization, requestContext.authorizer.iam describes the caller (as APIGatewayProxyEventV2WithIAMAuthorizer). */
export type GatewayEvent = APIGatewayProxyEventV2 & { requestContext: { authorizer?: { iam: IamCaller } } };

export function buildEvent(request: RawRequest, context: EventContext): GatewayEvent {
  const queryAt = request.target.indexOf('?');
  const rawPath = queryAt === -1 ? request.target : request.target.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : request.target.slice(queryAt + 1);
  const { cookies, headers } = headersOf(request.rawHeaders);
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${request.sourceIp}` : request.sourceIp;
  headers['x-forwarded-port'] = String(request.localPort);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] = `Root=1-${Math.floor(context.now.getTime() / 1000).toString(16)}-${context.requestId
    .replace(/[^0-9a-f]/g, '')
    .padEnd(24, '0')
    .slice(0, 24)}`;
  const { routeKey, pathParameters } = routeFor(request.method, rawPath);
  const host = headers.host ?? '127.0.0.1';
  const event: GatewayEvent = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters: queryParameters(rawQueryString) } : {}),
    requestContext: {
      accountId: context.accountId,
      apiId: LOCAL_API_ID,
      ...(context.caller ? { authorizer: { iam: context.caller } } : {}),
      domainName: host,
      domainPrefix: host.split('.')[0]!,
      http: {
        method: request.method,
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: context.requestId,
      routeKey,
      stage: '$default',
      time: clfTime(context.now),
      timeEpoch: context.now.getTime(),
    },
    ...(pathParameters ? { pathParameters } : {}),
    isBase64Encoded: false,
  };
  if (request.body.length > 0) {
    const text = isTextual(headers['content-type']);
    event.body = request.body.toString(text ? 'utf8' : 'base64');
    event.isBase64Encoded = !text;
  }
  return event;
}

function headersOf(rawHeaders: string[]): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!;
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies };
}

function queryParameters(rawQueryString: string): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    parameters[name] = name in parameters ? `${parameters[name]},${value}` : value;
  }
  return parameters;
}

/**
 * HTTP APIs pass text bodies as they are and base64-encode the rest, a missing content type
 * included: text/*, JSON, XML and JavaScript count as text.
 */
export function isTextual(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const media = contentType.split(';')[0]!.trim().toLowerCase();
  return media.startsWith('text/') || /^[a-z0-9.+-]+\/([a-z0-9.-]+\+)?(json|xml)$/.test(media) || media === 'application/javascript';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** requestContext.time as API Gateway writes it: 12/Mar/2020:19:03:58 +0000. */
export function clfTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}
