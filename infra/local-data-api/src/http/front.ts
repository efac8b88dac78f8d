import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallCounter } from '../call-stats.js';
import { dataApiError, toDataApiError } from '../errors.js';
import { type Faults, faultError } from '../faults.js';
import { OPERATIONS, type OperationContext } from '../operations/index.js';
import type { ServerConfig } from '../options.js';
import { verifySignature } from '../sigv4.js';
import { headerBytes, parseJson, readBody, send, sendText } from '../wire.js';
import { type LocalSwitches, routeLocal } from './local-router.js';

export interface FrontOptions {
  config: Pick<ServerConfig, 'maxRequestBytes' | 'verifySignatures' | 'credentials' | 'maxClockSkewMs' | 'resourceArn' | 'log'>;
  operations: OperationContext;
  stats: CallCounter;
  faults: Faults;
  local: LocalSwitches;
}

/**
 * The HTTP front of the server: the local switches, then per Data API call: routing, the request
 * size limit, SigV4, the fault switches, the operation, and every failure translated into AWS's
 * error response. One log line per call, built only when there is a log.
 */
export function createFront(options: FrontOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { config } = options;
  const log = config.log;
  return (req, res) => {
    const started = log ? process.hrtime.bigint() : 0n;
    const path = (req.url ?? '/').split('?')[0]!;
    if (routeLocal(options.local, req, res, path)) return;
    const operation = OPERATIONS.get(path);
    void answer(options, req, res, path).then((errorName) => {
      if (!log) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const status = res.statusCode;
      log(`${operation ? operation.name : `${req.method} ${path}`} ${status}${errorName ? ` ${errorName}` : ''} ${ms.toFixed(1)} ms`);
    });
  };
}

/** Runs one call and sends its answer; resolves to the error's name if it failed. */
async function answer(options: FrontOptions, req: IncomingMessage, res: ServerResponse, path: string): Promise<string | undefined> {
  const { config } = options;
  try {
    const operation = OPERATIONS.get(path);
    if (req.method !== 'POST' || !operation) throw dataApiError('UnknownOperationException', `Unknown operation ${req.method} ${path}`);
    const raw = await readBody(req, config.maxRequestBytes - headerBytes(req), config.maxRequestBytes);
    if (config.verifySignatures) {
      const request = { method: req.method, path: req.url ?? path, headers: req.headers, body: raw };
      await verifySignature(request, config.credentials, { maxClockSkewMs: config.maxClockSkewMs });
    }
    options.stats.call(operation.stat);
    const body = parseJson(raw);
    const fault = faultError(options.faults, config.resourceArn);
    if (fault) throw fault;
    sendText(res, 200, await operation.run(options.operations, body));
    return undefined;
  } catch (error) {
    const failure = toDataApiError(error);
    if (failure.name === 'InternalServerErrorException') config.log?.(`internal error: ${(error as Error)?.stack ?? String(error)}`);
    options.stats.error(failure.name);
    res.setHeader('x-amzn-ErrorType', failure.name);
    send(res, failure.status, failure.body());
    return failure.name;
  }
}
