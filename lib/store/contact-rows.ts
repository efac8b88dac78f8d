import type { ContactRow } from '../contacts/model.js';
import { HEAD } from './contact-sql.js';
import type { KeyLengths } from './page-budget.js';
import type { SqlResult, SqlValue } from './sql-executor.js';

/** Rows as the store's reads return them, decoded: one row, a group head, the contract's order. */

/** Per root: how many live secondaries it has, and how long their keys are. */
export type SecondaryStats = KeyLengths & { count: number };

/** A row as read: a ContactRow, with its creation time (epoch seconds) to put it in order. */
export interface ReadRow extends ContactRow {
  createdAt: number;
}

export function toContactRow(record: SqlValue[]): ReadRow {
  const [id, email, phoneNumber, linkedId, isPrimary, createdAt] = record;
  return {
    id: Number(id),
    email: email === null ? null : String(email),
    phoneNumber: phoneNumber === null ? null : String(phoneNumber),
    linkedId: linkedId === null || linkedId === undefined ? null : Number(linkedId),
    linkPrecedence: isPrimary === true || Number(isPrimary) === 1 ? 'primary' : 'secondary',
    createdAt: Number(createdAt),
  };
}

/** The contract's order: createdAt, then id. */
export function sortRows(rows: ReadRow[]): ReadRow[] {
  return rows.sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
}

/** A group head, parsed: its rows so far, and per root how many live secondaries there are and how long their keys are. */
export interface GroupHead {
  rows: ReadRow[];
  roots: number[];
  secondaries: Map<number, SecondaryStats>;
  escaped: number;
  /** Which of the request's keys are stored blocked values (treated as absent). */
  blocked: BlockedKeys;
  /** The version of the stored blocked values the read saw (-1: none read). */
  blockedVersion: number;
  complete: boolean;
}

/** Which of a request's keys are stored blocked values. */
export interface BlockedKeys {
  email: boolean;
  phone: boolean;
}

/** `firstRows`: how many secondaries the head asked for. Without stats, fewer than that means all. */
export function parseHead(result: SqlResult, firstRows: number): GroupHead {
  const rows: ReadRow[] = [];
  const secondaries: GroupHead['secondaries'] = new Map();
  let escaped = 0;
  const blocked: BlockedKeys = { email: false, phone: false };
  let blockedVersion = -1;
  let secondaryRows = 0;
  for (const [kind, ...record] of result.rows) {
    if (kind === HEAD.root || kind === HEAD.secondary) {
      rows.push(toContactRow(record));
      if (kind === HEAD.secondary) secondaryRows++;
    } else if (kind === HEAD.stats) {
      const [root, , , count, maxEmail, maxPhone] = record;
      secondaries.set(Number(root), { count: Number(count), maxEmail: Number(maxEmail ?? 0), maxPhone: Number(maxPhone ?? 0) });
    } else if (kind === HEAD.blockedVersion) {
      blockedVersion = Number(record[0]);
    } else if (kind === HEAD.blocked) {
      if (Number(record[0]) === 1) blocked.email = true;
      else blocked.phone = true;
    } else {
      escaped += Number(record[0]);
    }
  }
  let total = 0;
  for (const { count } of secondaries.values()) total += count;
  const roots = new Set([...rows.map((row) => row.linkedId ?? row.id), ...secondaries.keys()]);
  const complete = secondaries.size > 0 || secondaryRows === 0 ? secondaryRows >= total : secondaryRows < firstRows;
  return { rows, roots: [...roots], secondaries, escaped, blocked, blockedVersion, complete };
}
