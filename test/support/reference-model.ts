import { UnionFind } from './union-find.js';

/**
 * An in-memory reference model of the contract (reconciliation, /lookup, /erase, stored blocked
 * values through /block and /unblock, recorded pairings, and /unlink's split over shared values and
 * pairings), written straight from CONTRACT.md and independent of lib/, for step-by-step comparison
 * with the service. Row order is insertion order (all requests of a comparison run one after
 * another), so a row's id is also its age: the oldest row of a group is the one with the lowest id.
 */
export interface ModelRow {
  id: number;
  email: string | null;
  phoneNumber: string | null;
  linkedId: number | null;
  linkPrecedence: 'primary' | 'secondary';
  /**
   * Erased, or left empty by /unlink: a tombstone, with no email or phone, that takes no part in
   * matching, answers or splits (it keeps the link it had).
   */
  deleted: boolean;
}

/** A recorded pairing: the (email, phone) of a request that merged groups. */
export interface ModelPairing {
  email: string;
  phoneNumber: string;
}

/** A request whose only values are blocked: bad input (400), nothing written. */
export class ModelBadInput extends Error {
  constructor() {
    super('every value given is blocked');
    this.name = 'ModelBadInput';
  }
}

export class ReferenceModel {
  readonly rows: ModelRow[] = [];
  /** Stored blocked values, as `email:<value>` and `phone:<value>` (the service keeps hashes; the model needs none). */
  readonly blocked = new Set<string>();
  /** Recorded pairings by `pairingKey`: the evidence /unlink keeps groups together by. */
  private readonly recorded = new Map<string, ModelPairing>();

  /** The recorded pairings, in the order they were recorded (a copy: only the routes change them). */
  get pairings(): readonly ModelPairing[] {
    return [...this.recorded.values()];
  }

  /** Whether (email, phoneNumber) is a recorded pairing now. */
  hasPairing(email: string, phoneNumber: string): boolean {
    return this.recorded.has(pairingKey(email, phoneNumber));
  }

  identify(email: string | null, phoneNumber: string | null) {
    [email, phoneNumber] = this.withoutBlocked(email, phoneNumber);
    const matched = this.matching(email, phoneNumber);
    if (matched.length === 0) {
      const row = this.insert(email, phoneNumber, null);
      return this.view(row.id);
    }
    const primaryIds = new Set(matched.map(rootOf));
    // A merge records the request's pair (blocked values already dropped): it may be the only evidence.
    if (primaryIds.size > 1 && email !== null && phoneNumber !== null) this.recorded.set(pairingKey(email, phoneNumber), { email, phoneNumber });
    const primaries = this.rows.filter((row) => primaryIds.has(row.id));
    const winner = primaries[0]!; // rows are in age order
    for (const row of this.live()) {
      if (primaryIds.has(rootOf(row)) && row.id !== winner.id) {
        row.linkPrecedence = 'secondary';
        row.linkedId = winner.id;
      }
    }
    const group = this.group(winner.id);
    const emailIsNew = email !== null && !group.some((row) => row.email === email);
    const phoneIsNew = phoneNumber !== null && !group.some((row) => row.phoneNumber === phoneNumber);
    if (emailIsNew || phoneIsNew) this.insert(email, phoneNumber, winner.id);
    return this.view(winner.id);
  }

  /** POST /lookup: every group that holds the email or the phone, apart, ordered by primary id; nothing changes. */
  lookup(email: string | null, phoneNumber: string | null) {
    [email, phoneNumber] = this.withoutBlocked(email, phoneNumber);
    const roots = [...new Set(this.matching(email, phoneNumber).map(rootOf))].sort((a, b) => a - b);
    return { contacts: roots.map((root) => this.view(root).contact) };
  }

  /**
   * POST /erase: every group with a live row holding the email or the phone (blocked or not) becomes
   * tombstones; with `suppress`, every value those groups held and the given ones become blocked.
   * Every pairing holding a value of those groups or a given one is deleted.
   */
  erase(email: string | null, phoneNumber: string | null, suppress = false) {
    const roots = [...new Set(this.matching(email, phoneNumber).map(rootOf))].sort((a, b) => a - b);
    const erased = roots.flatMap((root) => this.group(root));
    const emails = new Set([email, ...erased.map((row) => row.email)]);
    const phones = new Set([phoneNumber, ...erased.map((row) => row.phoneNumber)]);
    this.dropPairings((pairing) => emails.has(pairing.email) || phones.has(pairing.phoneNumber));
    if (suppress) {
      for (const row of erased) this.blockValues(row.email, row.phoneNumber);
      this.blockValues(email, phoneNumber);
    }
    for (const row of erased) Object.assign(row, { email: null, phoneNumber: null, deleted: true });
    return { erased: { contacts: erased.length, primaryContactIds: roots } };
  }

  /**
   * POST /unlink: exactly one value, blocked or not. Every live row holding it loses it (a row left
   * with nothing is deleted, its link kept); the groups that held it are regrouped as connected
   * components of what remains (shared values, recorded pairings; blocked values connect nothing),
   * each component's oldest row its primary. Pairings holding the value go; with `block`, it is blocked.
   */
  unlink(email: string | null, phoneNumber: string | null, block = false) {
    const [column, value] = unlinkedValue(email, phoneNumber);
    const held = new Set(this.live().filter((row) => row[column] === value));
    const roots = new Set([...held].map(rootOf));
    const affected = this.live().filter((row) => roots.has(rootOf(row)));
    const before = new Map(affected.map((row) => [row.id, linkOf(row)]));
    for (const row of held) takeOut(row, column);
    this.dropPairings((pairing) => (column === 'email' ? pairing.email : pairing.phoneNumber) === value);
    const primaryContactIds = this.components(affected.filter((row) => !row.deleted)).map((component) => this.relink(component));
    if (block) this.blockValues(email, phoneNumber);
    const changed = affected.filter((row) => held.has(row) || linkOf(row) !== before.get(row.id));
    return { unlinked: { contacts: changed.length, primaryContactIds: primaryContactIds.sort((a, b) => a - b) } };
  }

  /** POST /block: how many of the values were not blocked yet. */
  block(email: string | null, phoneNumber: string | null) {
    return { blocked: this.blockValues(email, phoneNumber) };
  }

  /** POST /unblock: how many of the values were blocked. */
  unblock(email: string | null, phoneNumber: string | null) {
    let unblocked = 0;
    for (const key of keysOf(email, phoneNumber)) if (this.blocked.delete(key)) unblocked++;
    return { unblocked };
  }

  isBlocked(kind: 'email' | 'phone', value: string | null): boolean {
    return value !== null && this.blocked.has(`${kind}:${value}`);
  }

  private blockValues(email: string | null, phoneNumber: string | null): number {
    let added = 0;
    for (const key of keysOf(email, phoneNumber)) {
      if (this.blocked.has(key)) continue;
      this.blocked.add(key);
      added++;
    }
    return added;
  }

  private dropPairings(drop: (pairing: ModelPairing) => boolean): void {
    for (const [key, pairing] of this.recorded) if (drop(pairing)) this.recorded.delete(key);
  }

  /**
   * `rows` (in age order) as connected components: rows sharing an email or a phone, and the rows of
   * a recorded pairing's email and of its phone, are joined; a blocked value joins nothing (the
   * service reads it as NULL). Each component keeps age order.
   */
  private components(rows: readonly ModelRow[]): ModelRow[][] {
    const sets = new UnionFind();
    const rowKey = (row: ModelRow) => `row:${row.id}`;
    const held = new Set<string>();
    for (const row of rows) {
      sets.find(rowKey(row));
      for (const key of keysOf(this.unlessBlocked('email', row.email), this.unlessBlocked('phone', row.phoneNumber))) {
        sets.union(rowKey(row), key);
        held.add(key);
      }
    }
    for (const pairing of this.recorded.values()) {
      const [emailKey, phoneKey] = keysOf(pairing.email, pairing.phoneNumber);
      if (emailKey !== undefined && phoneKey !== undefined && held.has(emailKey) && held.has(phoneKey)) sets.union(emailKey, phoneKey);
    }
    const byRoot = new Map<string, ModelRow[]>();
    for (const row of rows) {
      const root = sets.find(rowKey(row));
      byRoot.set(root, [...(byRoot.get(root) ?? []), row]);
    }
    return [...byRoot.values()];
  }

  /** A component's oldest row becomes its primary, the others its secondaries; returns the primary's id. */
  private relink(component: readonly ModelRow[]): number {
    const primary = component[0]!;
    for (const row of component) {
      row.linkedId = row === primary ? null : primary.id;
      row.linkPrecedence = row === primary ? 'primary' : 'secondary';
    }
    return primary.id;
  }

  private unlessBlocked(kind: 'email' | 'phone', value: string | null): string | null {
    return this.isBlocked(kind, value) ? null : value;
  }

  /** A blocked value is treated as absent; a request with nothing left is bad input. */
  private withoutBlocked(email: string | null, phoneNumber: string | null): [string | null, string | null] {
    const kept: [string | null, string | null] = [this.unlessBlocked('email', email), this.unlessBlocked('phone', phoneNumber)];
    if (kept[0] === null && kept[1] === null) throw new ModelBadInput();
    return kept;
  }

  private live(): ModelRow[] {
    return this.rows.filter((row) => !row.deleted);
  }

  private matching(email: string | null, phoneNumber: string | null): ModelRow[] {
    return this.live().filter((row) => (email !== null && row.email === email) || (phoneNumber !== null && row.phoneNumber === phoneNumber));
  }

  private insert(email: string | null, phoneNumber: string | null, linkedId: number | null): ModelRow {
    const row: ModelRow = {
      id: this.rows.length + 1,
      email,
      phoneNumber,
      linkedId,
      linkPrecedence: linkedId === null ? 'primary' : 'secondary',
      deleted: false,
    };
    this.rows.push(row);
    return row;
  }

  private group(primaryId: number): ModelRow[] {
    return this.live().filter((row) => row.id === primaryId || row.linkedId === primaryId);
  }

  /** The answer for a group: blocked values are never answered. */
  private view(primaryId: number) {
    const rows = this.group(primaryId).map((row) => ({
      id: row.id,
      email: this.unlessBlocked('email', row.email),
      phoneNumber: this.unlessBlocked('phone', row.phoneNumber),
    }));
    return answerOf(rows, primaryId);
  }
}

/** A row's group: the primary it links to, or itself. */
function rootOf(row: ModelRow): number {
  return row.linkedId ?? row.id;
}

/** /unlink on one row: the value's column becomes NULL; a row left with neither value is deleted. */
function takeOut(row: ModelRow, column: 'email' | 'phoneNumber'): void {
  row[column] = null;
  // Its link stays as it was: the service never relinks a deleted row. A blocked value left keeps it live.
  if (row.email === null && row.phoneNumber === null) row.deleted = true;
}

/** A row's link as one comparable value. */
function linkOf(row: ModelRow): string {
  return `${row.linkPrecedence}:${row.linkedId}`;
}

/** A pairing's key in `recorded`: JSON, so no value can run into the other. */
function pairingKey(email: string, phoneNumber: string): string {
  return JSON.stringify([email, phoneNumber]);
}

/** /unlink's one value, as the column that holds it; both or neither is a misuse of the model. */
function unlinkedValue(email: string | null, phoneNumber: string | null): ['email' | 'phoneNumber', string] {
  if (email !== null && phoneNumber === null) return ['email', email];
  if (email === null && phoneNumber !== null) return ['phoneNumber', phoneNumber];
  throw new Error('unlink takes exactly one of email and phoneNumber');
}

/** Union-find over 0..n-1, with path halving. */
function keysOf(email: string | null, phoneNumber: string | null): string[] {
  return [...(email === null ? [] : [`email:${email}`]), ...(phoneNumber === null ? [] : [`phone:${phoneNumber}`])];
}

/** The contract's answer for a group's rows in row order: the primary first, distinct values, no nulls. */
export function answerOf(group: readonly { id: number; email: string | null; phoneNumber: string | null }[], primaryId: number) {
  const ordered = [group.find((row) => row.id === primaryId)!, ...group.filter((row) => row.id !== primaryId)];
  const distinct = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];
  return {
    contact: {
      primaryContactId: primaryId,
      emails: distinct(ordered.map((row) => row.email)),
      phoneNumbers: distinct(ordered.map((row) => row.phoneNumber)),
      secondaryContactIds: ordered.slice(1).map((row) => row.id),
    },
  };
}
