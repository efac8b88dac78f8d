import type { Oracles } from '../evidence.js';
import { nameOf } from '../history.js';
import { keysOf } from '../keys.js';

/** Every request answered 200, or 400 for values that may all have been blocked at its moment: returns how many were refused so. */
export function checkStatuses({ run, blockedValues }: Oracles): number {
  let refused = 0;
  for (const op of run.ops) {
    if (op.status === 200) continue;
    if (op.status === 400 && (op.route === 'identify' || op.route === 'lookup')) {
      // Bad input only when every value it gave may have been blocked at its moment.
      const keys = keysOf(op.request);
      if (!/blocked/.test(String(op.body?.message)) || !keys.every((key) => blockedValues.possiblyBlocked(key, op))) {
        run.fail(`${nameOf(op)} answered 400 ${JSON.stringify(op.body)}, but not all of ${keys.join(', ')} can have been blocked`);
      }
      refused++;
      continue;
    }
    run.fail(`${nameOf(op)} answered ${op.status}: ${JSON.stringify(op.body)}`);
  }
  return refused;
}
