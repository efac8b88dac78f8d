import { append } from './multimap.js';

/** A row of the run at the end, as read from the table. */
export interface FinalRow {
  id: number;
  email: string | null;
  phoneNumber: string | null;
  linkedId: number | null;
  linkPrecedence: 'primary' | 'secondary';
  createdAt: string;
  /** Set on a tombstone (erased); absent or null on a live row. */
  deletedAt?: string | null;
}

/** What a row holds: a live row's columns, or what a tombstone was inserted with. */
export interface Values {
  email: string | null;
  phoneNumber: string | null;
}

/** One group as the contract answers it. */
export interface Contact {
  primaryContactId: number;
  emails: string[];
  phoneNumbers: string[];
  secondaryContactIds: number[];
}

export const older = (a: FinalRow, b: FinalRow) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id - b.id);
export const distinct = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];
export const isLive = (row: FinalRow) => row.deletedAt === undefined || row.deletedAt === null;
export const rootOf = (row: FinalRow) => row.linkedId ?? row.id;
export const isAscending = (ids: readonly number[]) => !ids.some((id, i) => i > 0 && id <= ids[i - 1]!);
/** A group's row ids in the contract's order: primary first. */
export const idsOf = (contact: Contact) => [contact.primaryContactId, ...contact.secondaryContactIds];

/** The contract's view of a set of rows: primary first, then row order; distinct values. */
export function expectedView(rows: FinalRow[]): Contact {
  const sorted = [...rows].sort(older);
  const primary = sorted[0]!;
  return {
    primaryContactId: primary.id,
    emails: distinct(sorted.map((row) => row.email)),
    phoneNumbers: distinct(sorted.map((row) => row.phoneNumber)),
    secondaryContactIds: sorted.slice(1).map((row) => row.id),
  };
}

/** Rows by the root they link to. */
export function groupsOf(rows: FinalRow[]): Map<number, FinalRow[]> {
  const groups = new Map<number, FinalRow[]>();
  for (const row of rows) append(groups, rootOf(row), row);
  return groups;
}
