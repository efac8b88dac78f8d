/**
 * An in-memory reference model of the contract (reconciliation, /lookup, /erase, stored blocked
 * values through /block and /unblock), written straight from CONTRACT.md and independent of lib/,
 * for step-by-step comparison with the service. Row order is insertion order (all requests of a
 * comparison run one after another).
 */
export interface ModelRow {
  id: number;
  email: string | null;
  phoneNumber: string | null;
  linkedId: number | null;
  linkPrecedence: 'primary' | 'secondary';
  /** Erased: a tombstone, with no email or phone, that takes no part in matching or answers. */
  deleted: boolean;
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

  identify(email: string | null, phoneNumber: string | null) {
    [email, phoneNumber] = this.withoutBlocked(email, phoneNumber);
    const matched = this.matching(email, phoneNumber);
    if (matched.length === 0) {
      const row = this.insert(email, phoneNumber, null);
      return this.view(row.id);
    }
    const primaryIds = new Set(matched.map((row) => row.linkedId ?? row.id));
    const primaries = this.rows.filter((row) => primaryIds.has(row.id));
    const winner = primaries[0]!; // rows are in age order
    for (const row of this.live()) {
      const root = row.linkedId ?? row.id;
      if (primaryIds.has(root) && row.id !== winner.id) {
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
    const roots = [...new Set(this.matching(email, phoneNumber).map((row) => row.linkedId ?? row.id))].sort((a, b) => a - b);
    return { contacts: roots.map((root) => this.view(root).contact) };
  }

  /**
   * POST /erase: every group with a live row holding the email or the phone (blocked or not) becomes
   * tombstones; with `suppress`, every value those groups held and the given ones become blocked.
   */
  erase(email: string | null, phoneNumber: string | null, suppress = false) {
    const roots = [...new Set(this.matching(email, phoneNumber).map((row) => row.linkedId ?? row.id))].sort((a, b) => a - b);
    const erased = roots.flatMap((root) => this.group(root));
    if (suppress) {
      for (const row of erased) this.blockValues(row.email, row.phoneNumber);
      this.blockValues(email, phoneNumber);
    }
    for (const row of erased) Object.assign(row, { email: null, phoneNumber: null, deleted: true });
    return { erased: { contacts: erased.length, primaryContactIds: roots } };
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

  /** A blocked value is treated as absent; a request with nothing left is bad input. */
  private withoutBlocked(email: string | null, phoneNumber: string | null): [string | null, string | null] {
    const kept: [string | null, string | null] = [this.isBlocked('email', email) ? null : email, this.isBlocked('phone', phoneNumber) ? null : phoneNumber];
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
      email: this.isBlocked('email', row.email) ? null : row.email,
      phoneNumber: this.isBlocked('phone', row.phoneNumber) ? null : row.phoneNumber,
    }));
    return answerOf(rows, primaryId);
  }
}

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
