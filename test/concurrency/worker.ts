/**
 * One "Lambda instance" of the concurrency checker: its own process, its own handler per route (built
 * at import, as on a cold start), firing its share of the requests at the given width.
 * Protocol over IPC: receives { env } once, then { requests, width } batches; answers with results.
 */
import { apiEvent, lambdaContext } from '../support/lambda-events.js';
import type { Route, WorkloadRequest } from './overlapping-workload.js';

export interface WorkerResult {
  index: number;
  status: number;
  body: any;
  startedAt: number;
  endedAt: number;
}

type Message = { env: Record<string, string> } | { requests: WorkloadRequest[]; width: number };

type Handler = (event: unknown, context: unknown) => Promise<any>;
let handlers: Record<Route, Handler> | undefined;

process.on('message', async (message: Message) => {
  if ('env' in message) {
    Object.assign(process.env, message.env);
    // Each route its own function, each built at import as on a cold start.
    handlers = {
      identify: (await import('../../functions/identify.js')).handler as Handler,
      lookup: (await import('../../functions/lookup.js')).handler as Handler,
      erase: (await import('../../functions/erase.js')).handler as Handler,
      block: (await import('../../functions/block.js')).handler as Handler,
      unblock: (await import('../../functions/unblock.js')).handler as Handler,
      unlink: (await import('../../functions/unlink.js')).handler as Handler,
    };
    process.send!({ ready: true });
    return;
  }
  const results: WorkerResult[] = [];
  const queue = [...message.requests];
  const lanes = Array.from({ length: message.width }, async () => {
    for (let request = queue.shift(); request; request = queue.shift()) results.push(await invoke(request));
  });
  await Promise.all(lanes);
  process.send!({ results });
});

async function invoke(request: WorkloadRequest): Promise<WorkerResult> {
  const route = request.route ?? 'identify';
  const requestId = request.requestId ?? `req-${request.index}`;
  const event = apiEvent(JSON.stringify(request.body), undefined, requestId, `/${route}`);
  const context = lambdaContext(29_000, requestId);
  const startedAt = Date.now();
  const response = await handlers![route](event, context);
  const endedAt = Date.now();
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    body = response.body;
  }
  return { index: request.index, status: response.statusCode, body, startedAt, endedAt };
}
