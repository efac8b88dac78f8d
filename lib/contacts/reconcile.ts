import type { ContactRow, IdentifyRequest, IdentifyResponse } from './model.js';

/**
 * The reconciliation rule of the contract, as pure functions over rows. No I/O here:
 * the repository reads the rows and carries out the plan.
 */

/**
 * What a request must write, given every live row of every group its email or phone touches,
 * sorted oldest first (createdAt, then id).
 *
 * - `primaryId`: the primary of the group after the request (null: a new primary must be inserted).
 * - `relink`: rows whose link must change so that the whole group hangs off `primaryId`
 *   (the demoted primaries and their secondaries; `primaryId` itself when it must be promoted).
 * - `insert`: whether the request brings an email or phone the group does not have yet.
 */
export interface Plan {
  primaryId: number | null;
  relink: number[];
  insert: boolean;
}

export type PlanKind = 'read' | 'create' | 'link' | 'merge';

export function reconcile(rows: readonly ContactRow[], request: IdentifyRequest): Plan {
  if (rows.length === 0) return { primaryId: null, relink: [], insert: true };

  // The oldest primary wins. Each group's primary is its oldest row (an invariant), so the oldest
  // primary is the oldest row of all; taking the oldest row also covers a group whose primary was
  // soft-deleted, where the group's oldest live row takes its place.
  const winner = rows[0]!;
  const relink = rows
    .filter((row) =>
      row.id === winner.id ? row.linkPrecedence !== 'primary' || row.linkedId !== null : row.linkPrecedence !== 'secondary' || row.linkedId !== winner.id,
    )
    .map((row) => row.id);

  const emailIsNew = request.email !== null && !rows.some((row) => row.email === request.email);
  const phoneIsNew = request.phoneNumber !== null && !rows.some((row) => row.phoneNumber === request.phoneNumber);
  return { primaryId: winner.id, relink, insert: emailIsNew || phoneIsNew };
}

export function planKind(plan: Plan): PlanKind {
  if (plan.primaryId === null) return 'create';
  if (plan.relink.length > 0) return 'merge';
  return plan.insert ? 'link' : 'read';
}

/** The rows of the group after the plan is carried out, oldest first. `insertedId` is the new row's id. */
export function applyPlan(rows: readonly ContactRow[], plan: Plan, request: IdentifyRequest, insertedId?: number): ContactRow[] {
  const primaryId = plan.primaryId ?? insertedId;
  if (primaryId === undefined) throw new Error('a plan that inserts needs the inserted id');
  const relink = new Set(plan.relink); // groups of any size: no linear search per row
  const relinked = rows.map((row): ContactRow => {
    if (!relink.has(row.id)) return row;
    return row.id === primaryId ? { ...row, linkPrecedence: 'primary', linkedId: null } : { ...row, linkPrecedence: 'secondary', linkedId: primaryId };
  });
  if (!plan.insert) return relinked;
  if (insertedId === undefined) throw new Error('a plan that inserts needs the inserted id');
  const inserted: ContactRow =
    plan.primaryId === null
      ? { id: insertedId, ...request, linkedId: null, linkPrecedence: 'primary' }
      : { id: insertedId, ...request, linkedId: plan.primaryId, linkPrecedence: 'secondary' };
  return [...relinked, inserted];
}

/** The contract's response for a group: the primary's values first, then row order, distinct, no nulls. */
export function view(rows: readonly ContactRow[], primaryId: number): IdentifyResponse {
  const primary = rows.find((row) => row.id === primaryId);
  if (!primary) throw new Error(`primary ${primaryId} is not among the group's rows`);
  const others = rows.filter((row) => row.id !== primaryId);
  const ordered = [primary, ...others];
  return {
    contact: {
      primaryContactId: primaryId,
      emails: distinct(ordered.map((row) => row.email)),
      phoneNumbers: distinct(ordered.map((row) => row.phoneNumber)),
      secondaryContactIds: others.map((row) => row.id),
    },
  };
}

function distinct(values: (string | null)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== null))];
}
