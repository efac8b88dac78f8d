import { describe, expect, it } from 'vitest';
import { lookupView } from './lookup-view.js';
import type { ContactRow } from './model.js';

const primary = (id: number, email: string | null, phoneNumber: string | null): ContactRow => ({
  id,
  email,
  phoneNumber,
  linkedId: null,
  linkPrecedence: 'primary',
});
const secondary = (id: number, email: string | null, phoneNumber: string | null, linkedId: number): ContactRow => ({
  id,
  email,
  phoneNumber,
  linkedId,
  linkPrecedence: 'secondary',
});

describe('lookupView', () => {
  it('answers no group when no row holds either value', () => {
    expect(lookupView([])).toEqual({ contacts: [] });
  });

  it('answers one group as /identify would, primary first, then row order, distinct values', () => {
    const rows = [primary(1, 'lorraine@hillvalley.edu', '123456'), secondary(23, 'mcfly@hillvalley.edu', '123456', 1)];
    expect(lookupView(rows)).toEqual({
      contacts: [{ primaryContactId: 1, emails: ['lorraine@hillvalley.edu', 'mcfly@hillvalley.edu'], phoneNumbers: ['123456'], secondaryContactIds: [23] }],
    });
  });

  it('keeps an email in one group and a phone in another apart, ordered by primary id', () => {
    // Rows oldest first: group 27 (Biff) is older by createdAt than group 11 (George) here.
    const rows = [primary(27, 'biff@hillvalley.edu', '717171'), primary(11, 'george@hillvalley.edu', '919191'), secondary(30, null, '717171', 27)];
    expect(lookupView(rows).contacts.map((group) => [group.primaryContactId, group.secondaryContactIds])).toEqual([
      [11, []],
      [27, [30]],
    ]);
  });

  it('names the oldest row primary when the primary row is gone (a row deleted by hand)', () => {
    const rows = [secondary(5, 'a@b.co', null, 2), secondary(6, null, '555', 2)];
    expect(lookupView(rows).contacts).toEqual([{ primaryContactId: 5, emails: ['a@b.co'], phoneNumbers: ['555'], secondaryContactIds: [6] }]);
  });
});
