import type { AnswerGroup } from './answer-groups.js';
import type { BlockedValues } from './blocked-values.js';
import { distinct, type FinalRow, isLive, older, type Values } from './contacts.js';
import type { Op } from './history.js';
import { rowKeys, shownKeys } from './keys.js';
import { append } from './multimap.js';
import type { Run } from './run.js';
import type { UnlinkedValues } from './unlinked-values.js';

/**
 * The values of every row: a live row's from the table; a tombstone's from the request that inserted
 * it, when that is clear (tombstone-values.ts). A tombstone left unclear is left out of the
 * value-by-value checks.
 */
export class RowValues {
  private readonly valuesOf = new Map<number, Values>();
  private readonly showing = new Map<number, AnswerGroup[]>();

  constructor(
    run: Run,
    answers: readonly AnswerGroup[],
    private readonly blockedValues: BlockedValues,
    private readonly unlinkedValues: UnlinkedValues,
  ) {
    for (const row of run.live) this.valuesOf.set(row.id, { email: row.email, phoneNumber: row.phoneNumber });
    for (const answer of answers) for (const id of answer.ids) append(this.showing, id, answer);
  }

  of(id: number): Values | undefined {
    return this.valuesOf.get(id);
  }

  has(id: number): boolean {
    return this.valuesOf.has(id);
  }

  /** A tombstone's values, once clear. */
  learn(id: number, values: Values): void {
    this.valuesOf.set(id, values);
  }

  /** The answer groups that show the row `id`. */
  showingRow(id: number): AnswerGroup[] {
    return this.showing.get(id) ?? [];
  }

  /**
   * What `row` must and may hold at `x`'s moment. A live row holds at least what it holds at the end,
   * and may also have held a value of an empty column that an unlink after `x` took out. A tombstone
   * (`values`: what it was inserted with) held those, less what an unlink before `x` may have taken out.
   */
  holdingAt(row: FinalRow, values: Values, x: Op): { must: string[]; may: string[] } {
    const keys = rowKeys(values);
    const unlinked = this.unlinkedValues;
    if (!isLive(row)) {
      const showing = this.showingRow(row.id);
      return { must: keys.filter((key) => !unlinked.mayHaveLeft(key, x)), may: keys.filter((key) => !unlinked.mustHaveLeft(key, x, showing)) };
    }
    const lostLater = unlinked.keys().filter((key) => (key.startsWith('e:') ? values.email : values.phoneNumber) === null && unlinked.mayLeaveAfter(key, x));
    return { must: keys, may: [...keys, ...lostLater] };
  }

  /**
   * Why `answer` cannot be the view of its rows holding `valuesFor` at its moment, or null: it shows
   * only values its rows may hold, every value they must hold unless it may be blocked, and, where
   * what each row holds is certain, in the contract's order (primary first, then row order).
   */
  mismatch(answer: AnswerGroup, valuesFor: (row: FinalRow) => Values): string | null {
    const inOrder = [...answer.rows].sort(older).map((row) => ({ values: valuesFor(row), ...this.holdingAt(row, valuesFor(row), answer.op) }));
    const may = new Set(inOrder.flatMap((row) => row.may));
    const shown = shownKeys(answer.contact);
    const extra = shown.find((key) => !may.has(key));
    if (extra) return `answered ${extra}, which none of its rows can hold`;
    const missing = inOrder.flatMap((row) => row.must).find((key) => !shown.includes(key) && !this.blockedValues.possiblyBlocked(key, answer.op));
    if (missing) return `${missing} of its rows is missing`;
    if (inOrder.some((row) => row.may.length !== row.must.length)) return null;
    for (const [field, got] of [
      ['email', answer.contact.emails],
      ['phoneNumber', answer.contact.phoneNumbers],
    ] as const) {
      const kept = distinct(inOrder.map((row) => row.values[field])).filter((value) => got.includes(value));
      if (JSON.stringify(kept) !== JSON.stringify(got)) return `${field}s ${JSON.stringify(got)} are not in the order of its rows ${JSON.stringify(kept)}`;
    }
    return null;
  }

  /** Whether `answer` can be the view of its rows if `id` held `values`, the others what valuesOf says. */
  fits(answer: AnswerGroup, id: number, values: Values): boolean {
    return this.mismatch(answer, (row) => (row.id === id ? values : this.valuesOf.get(row.id)!)) === null;
  }

  /** A tombstone an unlink may have left empty: every value it is known to have held was unlinked. */
  emptiable(row: FinalRow): boolean {
    if (!this.unlinkedValues.any) return false;
    const values = this.valuesOf.get(row.id);
    return values === undefined || rowKeys(values).every((key) => this.unlinkedValues.has(key));
  }
}
