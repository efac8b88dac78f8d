import type { Contact } from './contacts.js';

/** A value as a key: `e:<email>` or `p:<phone>`, so that an email and a phone never meet. */
export const emailKey = (email: string) => `e:${email}`;
export const phoneKey = (phone: string) => `p:${phone}`;
export const keysOf = (item: { email: string | null; phone: string | null }) => [
  ...(item.email ? [emailKey(item.email)] : []),
  ...(item.phone ? [phoneKey(item.phone)] : []),
];
export const rowKeys = (row: { email: string | null; phoneNumber: string | null }) => keysOf({ email: row.email, phone: row.phoneNumber });
/** The values an answered group shows. */
export const shownKeys = (contact: Contact) => [...contact.emails.map(emailKey), ...contact.phoneNumbers.map(phoneKey)];
