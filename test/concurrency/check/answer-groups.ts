import { type Contact, type FinalRow, idsOf, isAscending } from './contacts.js';
import type { Op } from './history.js';
import { keysOf, shownKeys } from './keys.js';
import type { Run } from './run.js';

/** One group as some answer gave it: an /identify answer, or one group of a /lookup answer. */
export interface AnswerGroup {
  op: Op;
  contact: Contact;
  rows: FinalRow[];
  ids: Set<number>;
}

/** Every /identify answer and every group of a /lookup answer; an answer that does not name rows of the run is a violation instead. */
export function answerGroups(run: Run): AnswerGroup[] {
  const answers: AnswerGroup[] = [];
  const collect = (op: Op, contact: Contact) => {
    const answer = answerGroup(run, op, contact);
    if (answer) answers.push(answer);
  };
  for (const op of run.answered('identify')) collect(op, op.body.contact as Contact);
  for (const op of run.answered('lookup')) {
    const contacts = op.body.contacts as Contact[];
    checkLookupGroups(run, op, contacts);
    for (const contact of contacts) {
      collect(op, contact);
      // A group is answered because it holds one of the lookup's values, which is not blocked, so it shows.
      const shown = shownKeys(contact);
      if (!keysOf(op.request).some((key) => shown.includes(key)))
        run.fail(`request ${op.index}: lookup answered group ${contact.primaryContactId}, which shows none of its values`);
    }
  }
  return answers;
}

function answerGroup(run: Run, op: Op, contact: Contact): AnswerGroup | undefined {
  const ids = idsOf(contact);
  const members = ids.map((id) => run.byId.get(id));
  if (members.some((row) => !row)) return void run.fail(`request ${op.index}: answer names rows that do not exist: ${ids.join(',')}`);
  if (new Set(ids).size !== ids.length) return void run.fail(`request ${op.index}: answer names a row twice: ${ids.join(',')}`);
  return { op, contact, rows: members as FinalRow[], ids: new Set(ids) };
}

function checkLookupGroups(run: Run, op: Op, contacts: Contact[]): void {
  const primaries = contacts.map((contact) => contact.primaryContactId);
  if (!isAscending(primaries)) run.fail(`request ${op.index}: lookup groups not in ascending order of primary: ${primaries.join(',')}`);
  const all = contacts.flatMap(idsOf);
  if (new Set(all).size !== all.length) run.fail(`request ${op.index}: lookup groups share a row`);
}
