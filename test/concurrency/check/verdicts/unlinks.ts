import { isAscending, isLive } from '../contacts.js';
import type { Evidence } from '../evidence.js';
import { mayPrecede, mustPrecede, nameOf, type Op } from '../history.js';
import { keysOf, rowKeys, shownKeys } from '../keys.js';

interface Unlinked {
  contacts: number;
  primaryContactIds: number[];
}

/** Unlinks: their answers, the rows they took their value out of, and the answers after them. */
export function checkUnlinks(evidence: Evidence): void {
  for (const u of evidence.run.unlinks) {
    const unlinked = u.body?.unlinked as Unlinked | undefined;
    if (!unlinked || typeof unlinked.contacts !== 'number' || !Array.isArray(unlinked.primaryContactIds)) {
      evidence.run.fail(`${nameOf(u)}: answer ${JSON.stringify(u.body)}`);
      continue;
    }
    checkAnswered(evidence, u, unlinked);
    checkNoneMissed(evidence, u);
  }
  checkNotShownAfter(evidence);
}

function checkAnswered({ run }: Evidence, u: Op, { contacts, primaryContactIds: primaries }: Unlinked): void {
  if (!isAscending(primaries)) run.fail(`${nameOf(u)}: primaryContactIds not ascending: ${primaries.join(',')}`);
  // A value nobody holds changes nothing and leaves no group (groups can vanish: a row left empty is deleted).
  if (contacts === 0 && primaries.length > 0) run.fail(`${nameOf(u)}: answered groups ${primaries.join(',')} but changed no contact`);
  // Each group it answers has a primary; only a merge can make it a secondary later.
  const mergeMayFollow = run.identifies.some((op) => mayPrecede(u, op));
  for (const id of primaries) {
    const row = run.byId.get(id);
    if (!row) run.fail(`${nameOf(u)}: answered ${id}, which is no row of the run`);
    else if (isLive(row) && row.linkPrecedence === 'secondary' && !mergeMayFollow)
      run.fail(`${nameOf(u)}: answered ${id}, a secondary at the end that nothing merged`);
  }
}

/** It took the value out of every live row: a row answered before it began that holds the value at the end was missed. */
function checkNoneMissed({ run, rowValues }: Evidence, u: Op): void {
  for (const key of keysOf(u.request)) {
    for (const row of run.live.filter((row) => rowKeys(row).includes(key))) {
      const before = rowValues.showingRow(row.id).find((answer) => mustPrecede(answer.op, u));
      if (before) run.fail(`${nameOf(u)} missed row ${row.id}, which holds ${key} and was answered by ${before.op.index} before it began`);
    }
  }
}

/** After an unlink, no answer shows its value unless an /identify carrying it may come between (and put it back). */
function checkNotShownAfter({ run, answers, unlinkedValues }: Evidence): void {
  for (const answer of answers) {
    for (const key of shownKeys(answer.contact)) {
      const u = unlinkedValues.of(key).find((u) => mustPrecede(u, answer.op));
      if (!u) continue;
      const backAgain = run.identifies.some((i) => keysOf(i.request).includes(key) && mayPrecede(u, i) && run.mayActBefore(i, answer.op));
      if (!backAgain) run.fail(`request ${answer.op.index} answered ${key}, which unlink ${u.index} took out before it began`);
    }
  }
}
