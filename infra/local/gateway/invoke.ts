import { Agent, request } from 'node:http';
import type { Invocation } from './result.js';

/**
 * Invokes a function through a Lambda Invoke endpoint (serverless-offline's), as API Gateway's
 * Lambda integration does, over kept-alive connections. Resolves with what Lambda answered.
 */
export function lambdaInvoker(invokeUrl: string, timeoutMs: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const url = new URL(invokeUrl);
  const invoke = (event: unknown): Promise<Invocation> =>
    new Promise((resolveInvoke, reject) => {
      const payload = Buffer.from(JSON.stringify(event));
      const call = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          timeout: timeoutMs,
          headers: { 'content-type': 'application/json', 'content-length': payload.length },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const functionError = response.headers['x-amz-function-error'];
            resolveInvoke({
              status: response.statusCode ?? 500,
              functionError: Array.isArray(functionError) ? functionError.join(',') : functionError,
              payload: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      call.on('timeout', () => call.destroy(new IntegrationTimeout()));
      call.on('error', reject);
      call.end(payload);
    });
  return { invoke, close: () => agent.destroy() };
}

export class IntegrationTimeout extends Error {
  override name = 'IntegrationTimeout';
}
