import type { ContactRow, IdentifyResponse } from './model.js';
import { view } from './reconcile.js';

/** The answer of POST /lookup: every group that holds the email or the phone, as /identify answers one, by primary id. */
export interface LookupResponse {
  contacts: IdentifyResponse['contact'][];
}

/**
 * The groups among `rows` (every live row of the groups a lookup touched, oldest first), each viewed
 * as /identify views its group, ordered by primaryContactId. Nothing is merged: an email in one
 * group and a phone in another answer two groups.
 */
export function lookupView(rows: readonly ContactRow[]): LookupResponse {
  const groups = new Map<number, ContactRow[]>();
  for (const row of rows) {
    const root = row.linkedId ?? row.id;
    const group = groups.get(root);
    if (group) group.push(row);
    else groups.set(root, [row]);
  }
  const contacts = [...groups.values()].map((group) => view(group, primaryOf(group)).contact);
  return { contacts: contacts.sort((a, b) => a.primaryContactId - b.primaryContactId) };
}

/** The group's live primary; were it gone (a row deleted by hand), the oldest row, as the contract's rule says. */
function primaryOf(group: readonly ContactRow[]): number {
  return (group.find((row) => row.linkedId === null && row.linkPrecedence === 'primary') ?? group[0]!).id;
}
