/**
 * An in-memory reference model of the contract's reconciliation, written straight from
 * CONTRACT.md and independent of lib/, for step-by-step comparison with the service.
 * Row order is insertion order (all requests of a comparison run one after another).
 */
export interface ModelRow {
  id: number;
  email: string | null;
  phoneNumber: string | null;
  linkedId: number | null;
  linkPrecedence: 'primary' | 'secondary';
}

export class ReferenceModel {
  readonly rows: ModelRow[] = [];

  identify(email: string | null, phoneNumber: string | null) {
    const matched = this.rows.filter((row) => (email !== null && row.email === email) || (phoneNumber !== null && row.phoneNumber === phoneNumber));
    if (matched.length === 0) {
      const row: ModelRow = { id: this.rows.length + 1, email, phoneNumber, linkedId: null, linkPrecedence: 'primary' };
      this.rows.push(row);
      return this.view(row.id);
    }
    const primaryIds = new Set(matched.map((row) => row.linkedId ?? row.id));
    const primaries = this.rows.filter((row) => primaryIds.has(row.id));
    const winner = primaries[0]!; // rows are in age order
    for (const row of this.rows) {
      const root = row.linkedId ?? row.id;
      if (primaryIds.has(root) && row.id !== winner.id) {
        row.linkPrecedence = 'secondary';
        row.linkedId = winner.id;
      }
    }
    const group = this.group(winner.id);
    const emailIsNew = email !== null && !group.some((row) => row.email === email);
    const phoneIsNew = phoneNumber !== null && !group.some((row) => row.phoneNumber === phoneNumber);
    if (emailIsNew || phoneIsNew) {
      this.rows.push({ id: this.rows.length + 1, email, phoneNumber, linkedId: winner.id, linkPrecedence: 'secondary' });
    }
    return this.view(winner.id);
  }

  /** POST /lookup: every group that holds the email or the phone, apart, ordered by primary id; nothing changes. */
  lookup(email: string | null, phoneNumber: string | null) {
    const matched = this.rows.filter((row) => (email !== null && row.email === email) || (phoneNumber !== null && row.phoneNumber === phoneNumber));
    const roots = [...new Set(matched.map((row) => row.linkedId ?? row.id))].sort((a, b) => a - b);
    return { contacts: roots.map((root) => this.view(root).contact) };
  }

  private group(primaryId: number): ModelRow[] {
    return this.rows.filter((row) => row.id === primaryId || row.linkedId === primaryId);
  }

  private view(primaryId: number) {
    return answerOf(this.group(primaryId), primaryId);
  }
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
