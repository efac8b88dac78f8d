import { mayPrecede, mustPrecede, type Op } from './history.js';
import { keysOf } from './keys.js';
import { append } from './multimap.js';

/** Which values an /unlink may have taken out of rows before, or after, a request's moment. */
export class UnlinkedValues {
  private readonly unlinksOf = new Map<string, Op[]>();

  constructor(private readonly unlinks: readonly Op[]) {
    for (const u of unlinks) for (const key of keysOf(u.request)) append(this.unlinksOf, key, u);
  }

  /** Whether the run has an answered unlink at all. */
  get any(): boolean {
    return this.unlinks.length > 0;
  }

  /** The values some answered unlink took out. */
  keys(): string[] {
    return [...this.unlinksOf.keys()];
  }

  has(key: string): boolean {
    return this.unlinksOf.has(key);
  }

  of(key: string): Op[] {
    return this.unlinksOf.get(key) ?? [];
  }

  /** An unlink of `key` may come after `x`: a row may hold it at x's moment and not at the end. */
  mayLeaveAfter(key: string, x: Op): boolean {
    return this.of(key).some((u) => u !== x && mayPrecede(x, u));
  }

  mayHaveLeft(key: string, x: Op): boolean {
    return this.of(key).some((u) => u !== x && mayPrecede(u, x));
  }

  /** An unlink of `key` took it out of a row before `x` for certain: it came after an answer showing the row (of `showing`), and before `x`. */
  mustHaveLeft(key: string, x: Op, showing: readonly { op: Op }[]): boolean {
    return this.of(key).some((u) => mustPrecede(u, x) && showing.some((answer) => mustPrecede(answer.op, u)));
  }

  /** An unlink of `key` may come after `a` and before `b`. */
  unlinkedBetween(key: string, a: Op, b: Op): boolean {
    return this.of(key).some((u) => mayPrecede(a, u) && mayPrecede(u, b));
  }

  /** Some unlink, of any value, may come after `a` and before `b`. */
  mayComeBetween(a: Op, b: Op): boolean {
    return this.unlinks.some((u) => mayPrecede(a, u) && mayPrecede(u, b));
  }

  mayFollow(x: Op): boolean {
    return this.unlinks.some((u) => u !== x && mayPrecede(x, u));
  }
}
