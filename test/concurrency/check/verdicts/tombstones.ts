import { isLive, older } from '../contacts.js';
import type { Evidence } from '../evidence.js';

/** Tombstones: erased, or left empty by an unlink, which keeps the link the row had. */
export function checkTombstones({ run, rowValues }: Evidence): void {
  for (const row of run.tombstones) {
    if (row.linkPrecedence !== 'secondary' || rowValues.emptiable(row)) continue;
    const target = row.linkedId === null ? undefined : run.byId.get(row.linkedId);
    if (!target || isLive(target)) run.fail(`tombstone ${row.id} points at ${row.linkedId}, ${target ? 'a live row (half an erasure)' : 'no row'}`);
    else if (target.linkPrecedence !== 'primary' || target.linkedId !== null) run.fail(`chain among tombstones: ${row.id} -> ${target.id}`);
  }
  // The primary of each erased group was its oldest row (a row an unlink left empty was younger than its primary then).
  for (const [root, members] of run.erasedGroups) {
    const oldest = [...members].sort(older)[0]!;
    if (members.some((row) => row.id === root) && oldest.id !== root) run.fail(`erased group ${root}: its oldest row is ${oldest.id}, not the primary`);
  }
}
