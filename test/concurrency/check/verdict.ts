import { type Contact, expectedView, type FinalRow } from './contacts.js';
import { emailKey, phoneKey } from './keys.js';
import type { Run } from './run.js';

export interface Verdict {
  violations: string[];
  /** Live groups at the end. */
  components: number;
  /** For each live group at the end that holds a value not blocked at the end: a lookup by that value, and its one group as the contract answers it. */
  readBacks: { body: { email?: string; phoneNumber?: string }; group: Contact }[];
  /** What the run did, for the summary line. */
  stats: {
    routes: Record<string, number>;
    statuses: Record<string, number>;
    live: number;
    tombstones: number;
    /** Groups erased (by the erasures' answers). */
    erased: number;
    /** Unlinks that changed rows, and those that left more than one group. */
    unlinked: number;
    split: number;
    refused: number;
    /** Answer groups checked, and how many of them value by value (the values of all their rows known). */
    answers: number;
    valued: number;
  };
}

/** Read-backs: each live group by a value of it not blocked at the end. */
export function readBacksOf(liveGroups: Map<number, FinalRow[]>, blocked: ReadonlySet<string>): Verdict['readBacks'] {
  const readBacks: Verdict['readBacks'] = [];
  for (const members of liveGroups.values()) {
    const view = expectedView(members);
    const group = {
      ...view,
      emails: view.emails.filter((email) => !blocked.has(emailKey(email))),
      phoneNumbers: view.phoneNumbers.filter((phone) => !blocked.has(phoneKey(phone))),
    };
    if (group.emails.length > 0) readBacks.push({ body: { email: group.emails[0]! }, group });
    else if (group.phoneNumbers.length > 0) readBacks.push({ body: { phoneNumber: group.phoneNumbers[0]! }, group });
  }
  return readBacks;
}

/** The counts the verdicts found. */
type Found = Pick<Verdict['stats'], 'erased' | 'refused' | 'answers' | 'valued'>;

export function statsOf({ ops, live, tombstones, unlinks }: Run, { erased, refused, answers, valued }: Found): Verdict['stats'] {
  const routes: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  for (const op of ops) {
    routes[op.route] = (routes[op.route] ?? 0) + 1;
    statuses[op.status] = (statuses[op.status] ?? 0) + 1;
  }
  return {
    routes,
    statuses,
    live: live.length,
    tombstones: tombstones.length,
    erased,
    unlinked: unlinks.filter((u) => u.body?.unlinked?.contacts > 0).length,
    split: unlinks.filter((u) => u.body?.unlinked?.primaryContactIds?.length > 1).length,
    refused,
    answers,
    valued,
  };
}
