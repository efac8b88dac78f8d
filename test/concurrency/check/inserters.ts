/**
 * Who inserted each row: the /identify whose answer it ends (a row's id is larger than those of the
 * rows it joined). Among the answers that end with it, the one that inserted it comes first, so it is
 * one of those no other of them ended before. From that answer: the row holds the request's email
 * when the answer shows it (a value not blocked is stored), else none; the same for the phone.
 */
import { type Contact, idsOf, type Values } from './contacts.js';
import type { Op } from './history.js';
import { append } from './multimap.js';
import type { Run } from './run.js';

/** By row id: the answered /identify requests whose answers end with that row, one of which inserted it. */
export function insertersOf(run: Run): Map<number, Op[]> {
  const endingWith = new Map<number, Op[]>();
  for (const op of run.answered('identify')) append(endingWith, Math.max(...idsOf(op.body.contact as Contact)), op);
  return endingWith;
}

/** What the row `op` inserted would hold. */
export function wrote(op: Op): Values {
  const contact = op.body.contact as Contact;
  return {
    email: op.request.email !== null && contact.emails.includes(op.request.email) ? op.request.email : null,
    phoneNumber: op.request.phone !== null && contact.phoneNumbers.includes(op.request.phone) ? op.request.phone : null,
  };
}
