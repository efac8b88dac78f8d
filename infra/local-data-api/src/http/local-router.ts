import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallCounter } from '../call-stats.js';
import { toDataApiError } from '../errors.js';
import type { Faults } from '../faults.js';
import { parseJson, readBody, send } from '../wire.js';

/** Local only, not on AWS: `/_local/stats` and `/_local/faults`, for tests that count calls or fake bad times. */
export interface LocalSwitches {
  stats: CallCounter;
  faults: Faults;
  openTransactions: () => number;
}

/** Answers the request if it is one of the local switches; false if it is not one. */
export function routeLocal(switches: LocalSwitches, req: IncomingMessage, res: ServerResponse, path: string): boolean {
  if (req.method === 'GET' && path === '/_local/stats') {
    send(res, 200, { ...switches.stats.snapshot(), openTransactions: switches.openTransactions() });
    return true;
  }
  if (path === '/_local/faults') {
    void controlFaults(switches.faults, req, res);
    return true;
  }
  return false;
}

/** GET shows the switches; POST {"resumingForMs": n, "unreachable": bool} sets them. */
async function controlFaults(faults: Faults, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    if (req.method === 'POST') {
      const body = parseJson(await readBody(req, 4_096));
      if (typeof body.resumingForMs === 'number') faults.resumingUntil = Date.now() + body.resumingForMs;
      if (typeof body.unreachable === 'boolean') faults.unreachable = body.unreachable;
    }
    send(res, 200, { resumingForMs: Math.max(0, faults.resumingUntil - Date.now()), unreachable: faults.unreachable });
  } catch (error) {
    const failure = toDataApiError(error);
    res.setHeader('x-amzn-ErrorType', failure.name);
    send(res, failure.status, failure.body());
  }
}
