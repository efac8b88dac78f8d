import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { authorize, type LocalPrincipal } from './auth.js';
import { buildEvent } from './event.js';
import { IntegrationTimeout, lambdaInvoker } from './invoke.js';
import { type GatewayResponse, gatewayError, INTERNAL_ERROR, mapResult } from './result.js';

/**
 * The local stand-in for API Gateway (HTTP API): it takes the raw request, refuses what the gateway
 * refuses (a body over 10 MB, a missing or bad SigV4 signature, a principal not granted the route),
 * builds the payload 2.0 event itself, invokes the function through the Lambda invoke endpoint, and
 * answers as the gateway maps the result.
 * No CORS: no access-control-* header is ever added, as on an HTTP API without a CORS configuration.
 */

/** API Gateway's request payload limit. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** API Gateway's integration timeout for HTTP APIs. */
const INTEGRATION_TIMEOUT_MS = 30_000;

export interface GatewayOptions {
  port: number;
  /** The Lambda invoke URL of each route's function, by path, and of the function that answers any other path. */
  invokeUrls: { byPath: Record<string, string>; fallback: string };
  /** The principals whose signatures are accepted, each on the routes it is granted; null turns authorization off (AUTH=none). */
  principals: readonly [LocalPrincipal, ...LocalPrincipal[]] | null;
  accountId: string;
}

export interface Gateway {
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const invokers = new Map(Object.entries(options.invokeUrls.byPath).map(([path, url]) => [path, lambdaInvoker(url, INTEGRATION_TIMEOUT_MS)]));
  const fallback = lambdaInvoker(options.invokeUrls.fallback, INTEGRATION_TIMEOUT_MS);
  const invokerFor = (target: string) => invokers.get(target.split('?')[0]!) ?? fallback;
  const routes = new Set(invokers.keys());
  const handle = async (request: IncomingMessage): Promise<GatewayResponse> => {
    const body = await readBody(request);
    if (body === null) return gatewayError(413, 'Request Entity Too Large');
    const requestId = `${randomBytes(10).toString('base64').replace(/[+/=]/g, '').slice(0, 14)}EMA=`;
    let caller: Parameters<typeof buildEvent>[1]['caller'];
    if (options.principals) {
      const verdict = await authorize({ method: request.method!, target: request.url!, headers: request.headers, body }, options.principals, routes);
      if (!verdict.allowed) return withRequestId(gatewayError(403, verdict.message), requestId);
      caller = verdict.caller;
    }
    const event = buildEvent(
      {
        method: request.method!,
        target: request.url!,
        httpVersion: request.httpVersion,
        rawHeaders: request.rawHeaders,
        body,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        sourcePort: request.socket.remotePort ?? 0,
        localPort: request.socket.localPort ?? options.port,
      },
      { requestId, now: new Date(), accountId: options.accountId, caller },
    );
    try {
      return withRequestId(mapResult(await invokerFor(request.url!).invoke(event)), requestId);
    } catch (error) {
      if (error instanceof IntegrationTimeout) return withRequestId(gatewayError(503, 'Service Unavailable'), requestId);
      return withRequestId(INTERNAL_ERROR(), requestId);
    }
  };
  const server = createServer((request, response) => {
    handle(request).then(
      (answer) => send(response, answer),
      () => send(response, INTERNAL_ERROR()),
    );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolveListen());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const close = () =>
    new Promise<void>((resolveClose) => {
      for (const invoker of [...invokers.values(), fallback]) invoker.close();
      server.close(() => resolveClose());
      server.closeAllConnections();
    });
  return { port, url: `http://127.0.0.1:${port}`, close };
}

/**
 * The whole body, or null when it passes the payload limit. A refused body is still read to its end
 * (and dropped), so the 413 goes to a client that has finished sending, not into a connection it is
 * still writing to.
 */
function readBody(request: IncomingMessage): Promise<Buffer | null> {
  const declared = Number(request.headers['content-length'] ?? 0);
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > MAX_PAYLOAD_BYTES;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      tooLarge ||= size > MAX_PAYLOAD_BYTES;
      if (!tooLarge) chunks.push(chunk);
    });
    request.on('end', () => resolveBody(tooLarge ? null : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function withRequestId(answer: GatewayResponse, requestId: string): GatewayResponse {
  return { ...answer, headers: { ...answer.headers, 'apigw-requestid': requestId } };
}

function send(response: ServerResponse, answer: GatewayResponse): void {
  if (response.headersSent) return;
  response.writeHead(answer.statusCode, { ...answer.headers, 'content-length': answer.body.length });
  response.end(answer.body);
}
