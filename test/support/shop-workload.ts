import { prng } from './prng.js';

/**
 * The benchmark's workload: seeded and replayable. Mostly repeat customers, then new customers,
 * new details for known customers, and merges of two groups. It keeps a model of which groups exist
 * so that each request is of the kind it claims (under concurrency a few may race into another kind).
 */
export type Kind = 'repeat' | 'new-customer' | 'new-detail' | 'merge';
export const KINDS: Kind[] = ['repeat', 'new-customer', 'new-detail', 'merge'];
const DEFAULT_MIX: Record<Kind, number> = { repeat: 0.6, 'new-customer': 0.2, 'new-detail': 0.15, merge: 0.05 };

export interface BenchRequest {
  kind: Kind;
  body: { email?: string; phoneNumber?: string };
}

interface Group {
  email: string;
  phone: string;
  merged: boolean;
}

export class Workload {
  private readonly random: () => number;
  private readonly groups: Group[] = [];
  private fresh = 0;

  constructor(
    seed: number,
    private readonly prefix: string,
    readonly seeded: { email: string; phone: string }[],
    private readonly mix: Record<Kind, number> = DEFAULT_MIX,
  ) {
    this.random = prng(seed);
    for (const row of seeded) this.groups.push({ ...row, merged: false });
  }

  next(kind: Kind = this.pickKind()): BenchRequest {
    switch (kind) {
      case 'repeat': {
        const group = this.pickGroup();
        const roll = this.random();
        const body = roll < 0.5 ? { email: group.email, phoneNumber: group.phone } : roll < 0.75 ? { email: group.email } : { phoneNumber: group.phone };
        return { kind, body };
      }
      case 'new-customer': {
        const group = { email: this.freshEmail(), phone: this.freshPhone(), merged: false };
        this.groups.push(group);
        return { kind, body: { email: group.email, phoneNumber: group.phone } };
      }
      case 'new-detail': {
        const group = this.pickGroup();
        return { kind, body: { email: this.freshEmail(), phoneNumber: group.phone } };
      }
      case 'merge': {
        const a = this.pickGroup(true);
        const b = this.pickGroup(true);
        if (a === b) return this.next('repeat');
        b.merged = true;
        return { kind, body: { email: a.email, phoneNumber: b.phone } };
      }
    }
  }

  private pickKind(): Kind {
    let roll = this.random();
    for (const kind of KINDS) {
      roll -= this.mix[kind];
      if (roll < 0) return kind;
    }
    return 'repeat';
  }

  private pickGroup(unmerged = false): Group {
    for (let tries = 0; tries < 20; tries++) {
      const group = this.groups[Math.floor(this.random() * this.groups.length)]!;
      if (!unmerged || !group.merged) return group;
    }
    return this.groups[Math.floor(this.random() * this.groups.length)]!;
  }

  private freshEmail(): string {
    return `${this.prefix}n${this.fresh++}@bench.example`;
  }

  private freshPhone(): string {
    return `7${String(this.fresh++).padStart(11, '0')}`;
  }
}

/** The starting customers every run begins from: one primary each. */
export function seedCustomers(count: number): { email: string; phone: string }[] {
  return Array.from({ length: count }, (_, i) => ({ email: `c${i}@bench.example`, phone: `5${String(i).padStart(11, '0')}` }));
}
