import type { AnswerGroup } from '../answer-groups.js';
import { connected } from '../components.js';
import { type Contact, idsOf, isLive, older, rootOf } from '../contacts.js';
import type { Evidence } from '../evidence.js';
import { mayPrecede, mustPrecede, nameOf, type Op } from '../history.js';
import { keysOf, shownKeys } from '../keys.js';

/** Every answer group: in the contract's order, one whole group, showing what its rows held: returns how many were checked value by value. */
export function checkAnswers(evidence: Evidence): number {
  let valued = 0;
  for (const answer of evidence.answers) {
    checkRowOrder(evidence, answer);
    checkWhole(evidence, answer);
    checkNotBlocked(evidence, answer);
    if (answer.rows.every((row) => evidence.rowValues.has(row.id))) {
      valued++;
      checkValues(evidence, answer);
    }
    if (answer.op.route === 'identify') checkOwnValues(evidence, answer);
  }
  return valued;
}

/** Row order is the contract's: the oldest row is the primary, the others follow by (createdAt, id). */
function checkRowOrder({ run }: Evidence, { op, contact, rows }: AnswerGroup): void {
  const sorted = [...rows].sort(older).map((row) => row.id);
  if (JSON.stringify(sorted) !== JSON.stringify(idsOf(contact))) {
    run.fail(`${nameOf(op)}: rows ${idsOf(contact).join(',')} are not in the contract's order (${sorted.join(',')})`);
  }
}

/** The answer was one whole group: its rows end in one group, all live, or all erased together (unless an unlink after it split the group). */
function checkWhole({ run, unlinkedValues }: Evidence, { op, rows }: AnswerGroup): void {
  const fates = new Set(rows.map((row) => `${isLive(row) ? 'live' : 'erased'} ${rootOf(row)}`));
  if (fates.size > 1 && !unlinkedValues.mayFollow(op))
    run.fail(`${nameOf(op)}: its rows ended apart (${[...fates].join('; ')}): half a merge or half an erasure`);
}

/** Values: those of its rows, less values that may have been blocked at its moment; never one blocked for certain. */
function checkNotBlocked({ run, blockedValues }: Evidence, { op, contact }: AnswerGroup): void {
  for (const key of shownKeys(contact)) {
    if (blockedValues.definitelyBlocked(key, op)) run.fail(`${nameOf(op)}: answered ${key}, blocked before it began and not unblocked since`);
  }
}

function checkValues({ run, rowValues }: Evidence, answer: AnswerGroup): void {
  const { op } = answer;
  const problem = rowValues.mismatch(answer, (row) => rowValues.of(row.id)!);
  if (problem) run.fail(`${nameOf(op)}: ${problem}`);
  // Its group was held together at its moment by what its rows may have held then and the pairs of requests before it.
  const heldThen = answer.rows.map((row) => rowValues.holdingAt(row, rowValues.of(row.id)!, op).may);
  const pairedBefore = run.identifies.filter((i) => run.mayActBefore(i, op));
  if (!connected(heldThen, pairedBefore))
    run.fail(`${nameOf(op)}: its rows ${[...answer.ids].join(',')} are not held together by their values and the requests' pairs (half an unlink?)`);
}

/** Its own values are in its answer unless blocked at its moment, and at least one is (else: 400). */
function checkOwnValues({ run, blockedValues }: Evidence, { op, contact }: AnswerGroup): void {
  const shown = shownKeys(contact);
  const keys = keysOf(op.request);
  for (const key of keys) if (!shown.includes(key) && !blockedValues.possiblyBlocked(key, op)) run.fail(`${nameOf(op)}: its ${key} is missing from its answer`);
  if (!keys.some((key) => shown.includes(key))) run.fail(`${nameOf(op)}: answered 200 without any of its values`);
}

/**
 * Groups only grow until erased or unlinked: if b began after a ended and their answers share a row, b's
 * holds all of a's, unless an unlink may come between.
 */
export function checkGrowth({ run, answers, unlinkedValues }: Evidence): void {
  for (const a of answers) {
    for (const b of answers) {
      if (!mustPrecede(a.op, b.op) || unlinkedValues.mayComeBetween(a.op, b.op)) continue;
      if (!a.rows.some((row) => b.ids.has(row.id))) continue;
      const lost = a.rows.filter((row) => !b.ids.has(row.id));
      if (lost.length > 0) run.fail(`request ${b.op.index}, begun after ${a.op.index} ended, lost rows ${lost.map((row) => row.id).join(',')}`);
    }
  }
}

/**
 * /lookup completeness: a value answered before a lookup began, with no erasure, no block and no
 * unlink that can come between, is found by the lookup (its group: the growth check makes it whole).
 */
export function checkLookups(evidence: Evidence): void {
  const { run } = evidence;
  for (const l of run.answered('lookup')) {
    const found = new Set((l.body.contacts as Contact[]).flatMap(idsOf));
    for (const key of keysOf(l.request)) {
      for (const answer of evidence.answers) {
        if (answer.op === l || !mustPrecede(answer.op, l) || !shownKeys(answer.contact).includes(key)) continue;
        if (mayBeGoneBetween(evidence, key, answer.op, l)) continue;
        if (!answer.rows.some((row) => found.has(row.id)))
          run.fail(`request ${l.index} (lookup) did not find ${key}, answered by ${answer.op.index} before it began`);
      }
    }
  }
}

/** An erasure, a block of `key` or an unlink of it may come between `a` and `b`. */
function mayBeGoneBetween({ run, blockedValues, unlinkedValues }: Evidence, key: string, a: Op, b: Op): boolean {
  const between = (op: Op) => mayPrecede(a, op) && mayPrecede(op, b);
  return run.erases.some(between) || blockedValues.blockersOf(key).some(between) || unlinkedValues.of(key).some(between);
}
