import type { Oracles } from '../evidence.js';
import { mustPrecede, nameOf } from '../history.js';
import { keysOf } from '../keys.js';

/** /block and /unblock: their counts fit some order. */
export function checkBlockCounts({ run, blockedValues }: Oracles): void {
  for (const op of [...run.answered('block'), ...run.answered('unblock')]) {
    const counted = op.route === 'block' ? op.body?.blocked : op.body?.unblocked;
    let low = 0;
    let high = 0;
    for (const key of keysOf(op.request)) {
      // A block counts a value not blocked at its moment, an unblock one that was.
      const certainlyBlocked = blockedValues.definitelyBlocked(key, op);
      const maybeBlocked = blockedValues.possiblyBlocked(key, op);
      if (op.route === 'block' ? !maybeBlocked : certainlyBlocked) low++;
      if (op.route === 'block' ? !certainlyBlocked : maybeBlocked) high++;
    }
    if (typeof counted !== 'number' || counted < low || counted > high)
      run.fail(`${nameOf(op)}: answered ${JSON.stringify(op.body)}, expected between ${low} and ${high}`);
  }
}

/** Stored blocked values at the end: where the last block or unblock of a value is certain. */
export function checkBlockedAtEnd({ run, blockedValues }: Oracles, blockedAtEnd: ReadonlySet<string>): void {
  const keys = new Set([...run.ops.flatMap((op) => keysOf(op.request))]);
  for (const key of keys) {
    const touching = [...blockedValues.blockersOf(key), ...blockedValues.unblockersOf(key)];
    const last = touching.filter((op) => !touching.some((other) => mustPrecede(op, other)));
    const definite = blockedValues.definiteBlockersOf(key);
    const blocked = blockedAtEnd.has(key);
    if (last.length > 0 && last.every((op) => definite.includes(op)) && !blocked)
      run.fail(`${key} is not blocked at the end, though every last request on it blocked it`);
    if (last.every((op) => op.route === 'unblock') && blocked)
      run.fail(`${key} is blocked at the end, though ${last.length ? 'every last request on it unblocked it' : 'nothing blocked it'}`);
  }
}
