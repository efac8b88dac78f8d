import { isAscending, isLive, rootOf } from '../contacts.js';
import type { Evidence } from '../evidence.js';
import { mayPrecede, mustPrecede, nameOf, type Op } from '../history.js';
import { keysOf, rowKeys } from '../keys.js';

interface Erased {
  contacts: number;
  primaryContactIds: number[];
}

/** Erasures: their answers, the groups they erased, and the rows they reached: returns the erasure of each erased group by its root. */
export function checkErasures(evidence: Evidence): Map<number, Op> {
  const erasedBy = new Map<number, Op>();
  for (const z of evidence.run.erases) {
    const erased = z.body?.erased as Erased | undefined;
    if (!erased || !Array.isArray(erased.primaryContactIds)) {
      evidence.run.fail(`${nameOf(z)}: answer ${JSON.stringify(z.body)}`);
      continue;
    }
    checkRoots(evidence, z, erased.primaryContactIds, erasedBy);
    checkCount(evidence, z, erased);
    checkGroupsHeldItsValue(evidence, z, erased.primaryContactIds);
  }
  checkTombstonesErased(evidence, erasedBy);
  checkAnswersBeforeErasures(evidence, erasedBy);
  checkReach(evidence, erasedBy);
  return erasedBy;
}

function checkRoots({ run }: Evidence, z: Op, roots: number[], erasedBy: Map<number, Op>): void {
  if (!isAscending(roots)) run.fail(`${nameOf(z)}: primaryContactIds not ascending: ${roots.join(',')}`);
  for (const root of roots) {
    const row = run.byId.get(root);
    if (!row || isLive(row) || row.linkedId !== null) run.fail(`${nameOf(z)}: ${root} is not an erased primary`);
    if (erasedBy.has(root)) run.fail(`group ${root} erased by requests ${erasedBy.get(root)!.index} and ${z.index}`);
    erasedBy.set(root, z);
  }
}

/**
 * Its count is the number of rows it made tombstones (they keep the link they had), less rows an
 * unlink may have left empty before, linked to the same primary.
 */
function checkCount({ run, rowValues }: Evidence, z: Op, erased: Erased): void {
  const inGroups = run.tombstones.filter((row) => erased.primaryContactIds.includes(rootOf(row)));
  const made = inGroups.length;
  if (erased.contacts > made || erased.contacts < made - inGroups.filter((row) => rowValues.emptiable(row)).length)
    run.fail(`${nameOf(z)}: answered ${erased.contacts} contacts, tombstoned ${made}`);
}

/** Every group it erased held one of its values (when the values of the group are known). */
function checkGroupsHeldItsValue({ run, rowValues }: Evidence, z: Op, roots: number[]): void {
  for (const root of roots) {
    const members = run.erasedGroups.get(root) ?? [];
    const held = members.map((row) => rowValues.of(row.id));
    if (held.length > 0 && held.every((value) => value !== undefined)) {
      const keys = held.flatMap((value) => rowKeys(value!));
      if (!keysOf(z.request).some((key) => keys.includes(key))) run.fail(`${nameOf(z)}: erased group ${root}, which held none of its values`);
    }
  }
}

function checkTombstonesErased({ run, rowValues }: Evidence, erasedBy: Map<number, Op>): void {
  for (const [root, members] of run.erasedGroups) {
    if (!erasedBy.has(root) && !members.every((row) => rowValues.emptiable(row))) run.fail(`group ${root} is tombstones, but no erasure answered it`);
  }
}

/** An answer that shows erased rows took effect before the erasure did. */
function checkAnswersBeforeErasures({ run, answers }: Evidence, erasedBy: Map<number, Op>): void {
  for (const answer of answers) {
    const z = answer.rows.map((row) => (isLive(row) ? undefined : erasedBy.get(rootOf(row)))).find((op) => op !== undefined);
    if (z && !mayPrecede(answer.op, z)) run.fail(`request ${answer.op.index} answered rows erased by request ${z.index}, which ended before it began`);
  }
}

/**
 * An erasure reaches every row that holds one of its values: a row answered before the erasure began,
 * with one of its values, is erased by it (or by an earlier one), never live at the end or erased later.
 */
function checkReach({ run, answers, rowValues, unlinkedValues }: Evidence, erasedBy: Map<number, Op>): void {
  for (const z of run.erases) {
    const keys = keysOf(z.request);
    for (const answer of answers) {
      if (!mustPrecede(answer.op, z)) continue;
      for (const row of answer.rows) {
        const values = rowValues.of(row.id);
        // What it held for certain at the answer's moment, and (a tombstone) kept until the erasure: no unlink of it in between.
        const certain = values ? rowValues.holdingAt(row, values, answer.op).must : [];
        const held = certain.filter((key) => keys.includes(key) && (isLive(row) || !unlinkedValues.unlinkedBetween(key, answer.op, z)));
        if (held.length === 0) continue;
        const by = isLive(row) ? undefined : erasedBy.get(rootOf(row));
        if (isLive(row) || (by && mustPrecede(z, by))) run.fail(`${nameOf(z)} missed row ${row.id}, answered by ${answer.op.index} before it began`);
      }
    }
  }
}
