import type { UnionFind } from '../../support/union-find.js';
import { mayPrecede, mustPrecede, type Op } from './history.js';
import { keysOf } from './keys.js';
import { append } from './multimap.js';

/** Which values may be, or are for certain, blocked when a request takes effect. */
export class BlockedValues {
  /** /block of the key, /unlink with block of it, /erase with suppress naming it. */
  private readonly definiteBlockers = new Map<string, Op[]>();
  /** /erase with suppress: whatever its erased groups held. */
  private readonly possibleBlockers: Op[] = [];
  private readonly unblockers = new Map<string, Op[]>();

  constructor(
    ops: readonly Op[],
    private readonly components: UnionFind,
  ) {
    for (const op of ops) {
      if (op.status !== 200) continue;
      const blocks = op.route === 'block' || (op.route === 'erase' && op.request.suppress) || (op.route === 'unlink' && op.request.block);
      if (blocks) for (const key of keysOf(op.request)) append(this.definiteBlockers, key, op);
      if (op.route === 'erase' && op.request.suppress) this.possibleBlockers.push(op);
      if (op.route === 'unblock') for (const key of keysOf(op.request)) append(this.unblockers, key, op);
    }
  }

  /** An /erase with suppress found to have blocked `key`, once the values its groups held are known: the verdicts after count it. */
  addDefiniteBlocker(key: string, op: Op): void {
    if (!this.definiteBlockersOf(key).includes(op)) append(this.definiteBlockers, key, op);
  }

  definiteBlockersOf(key: string): Op[] {
    return this.definiteBlockers.get(key) ?? [];
  }

  unblockersOf(key: string): Op[] {
    return this.unblockers.get(key) ?? [];
  }

  blockersOf(key: string): Op[] {
    return [...this.definiteBlockersOf(key), ...this.possibleBlockers.filter((op) => this.mayBlock(key, op))];
  }

  /** Some order has `key` blocked when `x` takes effect: a blocker of it may come before `x`. */
  possiblyBlocked(key: string, x: Op): boolean {
    return this.blockersOf(key).some((b) => b !== x && mayPrecede(b, x));
  }

  /** Every order has `key` blocked when `x` takes effect: a blocker came before, and no unblock can come between. */
  definitelyBlocked(key: string, x: Op): boolean {
    return this.definiteBlockersOf(key).some(
      (b) => b !== x && mustPrecede(b, x) && !this.unblockersOf(key).some((u) => u !== x && mayPrecede(b, u) && mayPrecede(u, x)),
    );
  }

  private mayBlock(key: string, op: Op): boolean {
    if (this.definiteBlockersOf(key).includes(op)) return true;
    const component = this.components.find(key);
    return keysOf(op.request).some((own) => this.components.find(own) === component);
  }
}
