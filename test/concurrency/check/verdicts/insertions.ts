import type { FinalRow } from '../contacts.js';
import type { Oracles } from '../evidence.js';
import type { Op } from '../history.js';
import { wrote } from '../inserters.js';
import { emailKey, phoneKey, rowKeys } from '../keys.js';
import type { UnlinkedValues } from '../unlinked-values.js';

/**
 * A live row was inserted by an answered /identify that could have written exactly its values (or
 * more, which an unlink after it took out), at a moment when none of them was blocked for certain: no
 * row holds a value blocked before it was inserted.
 */
export function checkInsertions({ run, blockedValues, unlinkedValues }: Oracles, inserters: ReadonlyMap<number, Op[]>): void {
  for (const row of run.live) {
    const candidates = (inserters.get(row.id) ?? []).filter((op) => couldHaveWritten(op, row, unlinkedValues));
    if (candidates.length === 0) {
      run.fail(`row ${row.id} (${rowKeys(row).join(', ')}) was written by no answered request that could have written it`);
      continue;
    }
    if (candidates.every((op) => rowKeys(row).some((key) => blockedValues.definitelyBlocked(key, op)))) {
      run.fail(`row ${row.id} holds ${rowKeys(row).join(', ')}, one of them blocked before any request that could have inserted it began`);
    }
  }
}

function couldHaveWritten(op: Op, row: FinalRow, unlinkedValues: UnlinkedValues): boolean {
  const keptOf = (written: string | null, now: string | null, key: (value: string) => string) =>
    written === now || (now === null && written !== null && unlinkedValues.mayLeaveAfter(key(written), op));
  const values = wrote(op);
  return keptOf(values.email, row.email, emailKey) && keptOf(values.phoneNumber, row.phoneNumber, phoneKey);
}
