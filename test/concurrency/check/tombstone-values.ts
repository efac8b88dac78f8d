import type { BlockedValues } from './blocked-values.js';
import { rootOf, type Values } from './contacts.js';
import { mustPrecede, type Op } from './history.js';
import { wrote } from './inserters.js';
import type { RowValues } from './row-values.js';
import type { Run } from './run.js';

/**
 * A tombstone's values come from the request that inserted it, when that is clear: one of the first
 * answers that end with it (no answer showing the row ended before it began), and of what those would
 * have written, the one thing that fits every answer that shows the row, where the other rows' values
 * are known.
 */
export function inferTombstoneValues(run: Run, values: RowValues, inserters: ReadonlyMap<number, Op[]>): void {
  const open = guessesOf(run, values, inserters);
  for (let progress = true; progress; ) {
    progress = false;
    for (const [id, guesses] of open) {
      const judged = values.showingRow(id).filter((answer) => answer.rows.every((row) => row.id === id || values.has(row.id)));
      const left = guesses.filter((guess) => judged.every((answer) => values.fits(answer, id, guess)));
      if (left.length === 1) {
        values.learn(id, left[0]!);
        open.delete(id);
        progress = true;
      }
    }
  }
}

/** By tombstone: what each of the first answers that end with it would have written, once each. */
function guessesOf(run: Run, values: RowValues, inserters: ReadonlyMap<number, Op[]>): Map<number, Values[]> {
  const open = new Map<number, Values[]>();
  for (const row of run.tombstones) {
    const candidates = inserters.get(row.id) ?? [];
    const earlier = values.showingRow(row.id);
    const first = candidates.filter((op) => !earlier.some((other) => other.op !== op && mustPrecede(other.op, op)));
    open.set(
      row.id,
      [...new Set(first.map((op) => JSON.stringify(wrote(op))))].map((text) => JSON.parse(text) as Values),
    );
  }
  return open;
}

/**
 * An erasure with "suppress" blocked every value its groups held: where those are known (and no
 * unlink may have taken them out before), it is a blocker of each for certain.
 */
export function addSuppressedBlockers(run: Run, values: RowValues, blockedValues: BlockedValues): void {
  for (const z of run.erases.filter((op) => op.request.suppress)) {
    const roots = new Set<number>(z.body?.erased?.primaryContactIds ?? []);
    for (const row of run.tombstones.filter((row) => roots.has(rootOf(row)) && values.has(row.id))) {
      for (const key of values.holdingAt(row, values.of(row.id)!, z).must) blockedValues.addDefiniteBlocker(key, z);
    }
  }
}
