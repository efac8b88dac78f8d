import type { WorkloadRequest } from './overlapping-workload.js';
import type { WorkerResult } from './worker.js';

/**
 * The checker's verdicts, over the final rows and the responses of a run. Independent of the
 * service's own code on purpose: it re-derives groups and views from the contract.
 */

export interface FinalRow {
  id: number;
  email: string | null;
  phoneNumber: string | null;
  linkedId: number | null;
  linkPrecedence: 'primary' | 'secondary';
  createdAt: string;
}

export interface Contact {
  primaryContactId: number;
  emails: string[];
  phoneNumbers: string[];
  secondaryContactIds: number[];
}

const older = (a: FinalRow, b: FinalRow) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id - b.id);

/** The contract's view of a set of rows: primary first, then row order; distinct values. */
export function expectedView(rows: FinalRow[]): Contact {
  const sorted = [...rows].sort(older);
  const primary = sorted[0]!;
  const distinct = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];
  return {
    primaryContactId: primary.id,
    emails: distinct(sorted.map((row) => row.email)),
    phoneNumbers: distinct(sorted.map((row) => row.phoneNumber)),
    secondaryContactIds: sorted.slice(1).map((row) => row.id),
  };
}

class Components {
  private parent = new Map<string, string>();
  find(key: string): string {
    if (!this.parent.has(key)) this.parent.set(key, key);
    let root = key;
    while (this.parent.get(root) !== root) root = this.parent.get(root)!;
    this.parent.set(key, root);
    return root;
  }
  union(a: string, b: string): void {
    this.parent.set(this.find(a), this.find(b));
  }
}

const emailKey = (email: string) => `e:${email}`;
const phoneKey = (phone: string) => `p:${phone}`;

export interface Verdict {
  violations: string[];
  components: number;
  groups: Map<string, FinalRow[]>;
}

export function check(requests: WorkloadRequest[], results: WorkerResult[], rows: FinalRow[]): Verdict {
  const violations: string[] = [];
  const fail = (message: string) => {
    if (violations.length < 50) violations.push(message);
  };
  const byId = new Map(rows.map((row) => [row.id, row]));

  // Every request answered 200.
  for (const result of results) {
    if (result.status !== 200) fail(`request ${result.index} answered ${result.status}: ${JSON.stringify(result.body)}`);
  }
  if (results.length !== requests.length) fail(`${results.length} results for ${requests.length} requests`);

  // Link structure: primaries unlinked, secondaries point at a live primary (no chains).
  for (const row of rows) {
    if (row.linkPrecedence === 'primary' && row.linkedId !== null) fail(`primary ${row.id} has linkedId ${row.linkedId}`);
    if (row.linkPrecedence === 'secondary') {
      const target = row.linkedId === null ? undefined : byId.get(row.linkedId);
      if (!target) fail(`secondary ${row.id} points at ${row.linkedId}, not a live row`);
      else if (target.linkPrecedence !== 'primary') fail(`chain: secondary ${row.id} -> ${target.id}, itself a secondary`);
    }
  }
  const groups = new Map<number, FinalRow[]>();
  for (const row of rows) {
    const root = row.linkedId ?? row.id;
    groups.set(root, [...(groups.get(root) ?? []), row]);
  }
  // The primary of each group is its oldest row.
  for (const [root, members] of groups) {
    const oldest = [...members].sort(older)[0]!;
    if (oldest.id !== root) fail(`group ${root}: its oldest row is ${oldest.id}, not the primary`);
  }

  // Connected components of the requests: each has exactly one group, and the other way round.
  const components = new Components();
  for (const request of requests) {
    if (request.email) components.find(emailKey(request.email));
    if (request.phone) components.find(phoneKey(request.phone));
    if (request.email && request.phone) components.union(emailKey(request.email), phoneKey(request.phone));
  }
  const groupOfComponent = new Map<string, number>();
  for (const row of rows) {
    const keys = [row.email && emailKey(row.email), row.phoneNumber && phoneKey(row.phoneNumber)].filter(Boolean) as string[];
    for (const key of keys) {
      const component = components.find(key);
      const root = row.linkedId ?? row.id;
      const seen = groupOfComponent.get(component);
      if (seen === undefined) groupOfComponent.set(component, root);
      else if (seen !== root) fail(`component of ${key} is split over groups ${seen} and ${root}`);
    }
  }
  const roots = [...groupOfComponent.values()];
  if (new Set(roots).size !== roots.length) fail('two components share one group (a merge nobody asked for)');
  for (const request of requests) {
    for (const key of [request.email && emailKey(request.email), request.phone && phoneKey(request.phone)].filter(Boolean) as string[]) {
      if (!rows.some((row) => (row.email && emailKey(row.email)) === key || (row.phoneNumber && phoneKey(row.phoneNumber)) === key)) {
        fail(`request ${request.index}: ${key} was never stored`);
      }
    }
  }

  // No row brought nothing new: each row has a key that no older row (by id) has.
  const seenKeys = new Set<string>();
  for (const row of [...rows].sort((a, b) => a.id - b.id)) {
    const keys = [row.email && emailKey(row.email), row.phoneNumber && phoneKey(row.phoneNumber)].filter(Boolean) as string[];
    if (keys.every((key) => seenKeys.has(key))) fail(`row ${row.id} brought nothing new`);
    for (const key of keys) seenKeys.add(key);
  }

  // Every response was a valid group at some point, and groups only grow in real time.
  const responseRows = new Map<number, FinalRow[]>();
  for (const result of results) {
    if (result.status !== 200) continue;
    const request = requests[result.index]!;
    const contact = result.body.contact as Contact;
    const ids = [contact.primaryContactId, ...contact.secondaryContactIds];
    const members = ids.map((id) => byId.get(id));
    if (members.some((row) => !row)) {
      fail(`request ${result.index}: response names rows that do not exist: ${ids.join(',')}`);
      continue;
    }
    const memberRows = members as FinalRow[];
    responseRows.set(result.index, memberRows);
    const expected = expectedView(memberRows);
    if (JSON.stringify(expected) !== JSON.stringify(contact)) {
      fail(`request ${result.index}: response ${JSON.stringify(contact)} is not the view of its rows ${JSON.stringify(expected)}`);
    }
    if (request.email && !contact.emails.includes(request.email)) fail(`request ${result.index}: its email is missing from the answer`);
    if (request.phone && !contact.phoneNumbers.includes(request.phone)) fail(`request ${result.index}: its phone is missing from the answer`);
    const key = request.email ? emailKey(request.email) : phoneKey(request.phone!);
    const root = groupOfComponent.get(components.find(key));
    for (const row of memberRows) {
      if ((row.linkedId ?? row.id) !== root) fail(`request ${result.index}: row ${row.id} is outside the request's final group`);
    }
  }
  // Groups only grow: if b began after a ended and their answers share a row, b's answer holds all of a's.
  const ok = results.filter((result) => responseRows.has(result.index));
  for (const a of ok) {
    const rowsA = responseRows.get(a.index)!;
    for (const b of ok) {
      if (a.endedAt >= b.startedAt) continue;
      const rowsB = new Set(responseRows.get(b.index)!.map((row) => row.id));
      if (!rowsA.some((row) => rowsB.has(row.id))) continue;
      const lost = rowsA.filter((row) => !rowsB.has(row.id));
      if (lost.length > 0) fail(`request ${b.index}, begun after ${a.index} ended, lost rows ${lost.map((row) => row.id).join(',')}`);
    }
  }

  const finalGroups = new Map<string, FinalRow[]>();
  for (const [component, root] of groupOfComponent) finalGroups.set(component, groups.get(root) ?? []);
  return { violations, components: groupOfComponent.size, groups: finalGroups };
}
