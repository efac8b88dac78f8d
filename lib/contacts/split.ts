import { createHash } from 'node:crypto';

/**
 * POST /unlink's rule, pure: the live rows of the groups that held a value, the value already taken
 * out of them, regrouped as connected components over shared emails, shared phones and recorded
 * pairings; each component's oldest row (createdAt, then id) its primary, the others linked to it.
 */

/** A row after the value was removed: `deleted` when it was left with neither an email nor a phone. */
export interface SplitRow {
  id: number;
  email: string | null;
  phoneNumber: string | null;
  linkedId: number | null;
  linkPrecedence: 'primary' | 'secondary';
  /** Epoch seconds: the contract's order is createdAt, then id. */
  createdAt: number;
  /** The row held the unlinked value (its column becomes NULL). */
  held: boolean;
  deleted: boolean;
}

/** A recorded pairing, as the hex SHA-256 of its email and of its phone. */
export interface Pairing {
  emailHash: string;
  phoneHash: string;
}

export interface Split {
  /** Rows whose link changes: [id, new linkedId] (null: the row becomes a primary). */
  relink: [number, number | null][];
  /** How many rows change at all: they held the value, or were deleted, or are linked anew. */
  changed: number;
  /** The primaries of the resulting groups, ascending. */
  primaryContactIds: number[];
}

/** The hex SHA-256 of a normalised value as UTF-8: the same bytes as the database's SHA2(value, 256). */
export function valueHash(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function split(rows: readonly SplitRow[], pairings: readonly Pairing[]): Split {
  const live = rows.filter((row) => !row.deleted);
  const parent = live.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[i] !== root) {
      const next = parent[i]!;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[ra] = rb;
  };
  // The first row holding each email, each phone; every other row holding it joins that one.
  const byEmail = new Map<string, number>();
  const byPhone = new Map<string, number>();
  for (const [i, row] of live.entries()) {
    for (const [map, value] of [
      [byEmail, row.email],
      [byPhone, row.phoneNumber],
    ] as const) {
      if (value === null) continue;
      const first = map.get(value);
      if (first === undefined) map.set(value, i);
      else union(i, first);
    }
  }
  if (pairings.length > 0) {
    const emailRow = new Map([...byEmail].map(([email, i]) => [valueHash(email), i]));
    const phoneRow = new Map([...byPhone].map(([phone, i]) => [valueHash(phone), i]));
    for (const { emailHash, phoneHash } of pairings) {
      const a = emailRow.get(emailHash);
      const b = phoneRow.get(phoneHash);
      if (a !== undefined && b !== undefined) union(a, b);
    }
  }
  // Each component's oldest row.
  const oldest = new Map<number, SplitRow>();
  for (const [i, row] of live.entries()) {
    const root = find(i);
    const current = oldest.get(root);
    if (current === undefined || row.createdAt < current.createdAt || (row.createdAt === current.createdAt && row.id < current.id)) {
      oldest.set(root, row);
    }
  }
  const relink: Split['relink'] = [];
  const relinked = new Set<number>();
  for (const [i, row] of live.entries()) {
    const primary = oldest.get(find(i))!;
    const linkedId = primary.id === row.id ? null : primary.id;
    const precedence = linkedId === null ? 'primary' : 'secondary';
    if (row.linkedId !== linkedId || row.linkPrecedence !== precedence) {
      relink.push([row.id, linkedId]);
      relinked.add(row.id);
    }
  }
  const changed = rows.filter((row) => row.held || row.deleted || relinked.has(row.id)).length;
  const primaryContactIds = [...oldest.values()].map((row) => row.id).sort((a, b) => a - b);
  return { relink, changed, primaryContactIds };
}
