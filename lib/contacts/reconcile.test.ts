import { describe, expect, it } from 'vitest';
import type { ContactRow, IdentifyRequest } from './model.js';
import { applyPlan, planKind, reconcile, view } from './reconcile.js';

function primary(id: number, email: string | null, phoneNumber: string | null): ContactRow {
  return { id, email, phoneNumber, linkedId: null, linkPrecedence: 'primary' };
}

function secondary(id: number, email: string | null, phoneNumber: string | null, linkedId: number): ContactRow {
  return { id, email, phoneNumber, linkedId, linkPrecedence: 'secondary' };
}

function req(email: string | null, phoneNumber: string | null): IdentifyRequest {
  return { email, phoneNumber };
}

const LORRAINE = 'lorraine@hillvalley.edu';
const MCFLY = 'mcfly@hillvalley.edu';
const GEORGE = 'george@hillvalley.edu';
const BIFF = 'biffsucks@hillvalley.edu';

// The contract's first example: Lorraine (1) and McFly (23) share 123456.
const lorraine = primary(1, LORRAINE, '123456');
const mcfly = secondary(23, MCFLY, '123456', 1);

// The contract's second example: two separate people, George on 919191 and Biff on 717171.
const george = primary(11, GEORGE, '919191');
const biff = primary(27, BIFF, '717171');

/** Checks the contract's invariants on a group after a plan is applied. */
function expectInvariants(rows: readonly ContactRow[], primaryId: number): void {
  const primaries = rows.filter((row) => row.linkPrecedence === 'primary');
  expect(primaries.map((row) => row.id)).toEqual([primaryId]);
  expect(primaries[0]!.linkedId).toBeNull();
  for (const row of rows.filter((r) => r.linkPrecedence === 'secondary')) {
    expect(row.linkedId).toBe(primaryId);
  }
}

describe('reconcile: no rows', () => {
  it.each([
    ['both fields', req(LORRAINE, '123456')],
    ['only email', req(LORRAINE, null)],
    ['only phone', req(null, '123456')],
  ])('creates a new primary for %s', (_name, request) => {
    const plan = reconcile([], request);
    expect(plan).toEqual({ primaryId: null, relink: [], insert: true });
    expect(planKind(plan)).toBe('create');
  });

  it('applyPlan makes the inserted row a primary with the request values', () => {
    const request = req(LORRAINE, '123456');
    const plan = reconcile([], request);
    const rows = applyPlan([], plan, request, 1);
    expect(rows).toEqual([primary(1, LORRAINE, '123456')]);
    expect(view(rows, 1)).toEqual({
      contact: { primaryContactId: 1, emails: [LORRAINE], phoneNumbers: ['123456'], secondaryContactIds: [] },
    });
  });

  it('view of a created contact with only a phone has no null email', () => {
    const request = req(null, '123456');
    const rows = applyPlan([], reconcile([], request), request, 5);
    expect(view(rows, 5).contact).toEqual({ primaryContactId: 5, emails: [], phoneNumbers: ['123456'], secondaryContactIds: [] });
  });

  it('applyPlan refuses a create plan without the inserted id', () => {
    const request = req(LORRAINE, null);
    expect(() => applyPlan([], reconcile([], request), request)).toThrow(/inserted id/);
  });
});

describe('reconcile: one group, nothing new -> read', () => {
  const group = [lorraine, mcfly];
  it.each([
    ["the primary's own pair", req(LORRAINE, '123456')],
    ["the secondary's own pair", req(MCFLY, '123456')],
    ["only the primary's email", req(LORRAINE, null)],
    ["only the secondary's email", req(MCFLY, null)],
    ['only the shared phone', req(null, '123456')],
  ])('reads for %s', (_name, request) => {
    const plan = reconcile(group, request);
    expect(plan).toEqual({ primaryId: 1, relink: [], insert: false });
    expect(planKind(plan)).toBe('read');
    expect(applyPlan(group, plan, request)).toEqual(group);
  });

  it('reads a lone primary matched by its email only', () => {
    const plan = reconcile([george], req(GEORGE, null));
    expect(plan).toEqual({ primaryId: 11, relink: [], insert: false });
    expect(planKind(plan)).toBe('read');
  });

  it('reads a lone primary matched by its phone only', () => {
    const plan = reconcile([george], req(null, '919191'));
    expect(plan).toEqual({ primaryId: 11, relink: [], insert: false });
    expect(planKind(plan)).toBe('read');
  });

  it("reads when the email is one row's and the phone another row's", () => {
    const group2 = [primary(1, LORRAINE, '111'), secondary(2, MCFLY, '222', 1)];
    const plan = reconcile(group2, req(LORRAINE, '222'));
    expect(planKind(plan)).toBe('read');
    expect(plan.insert).toBe(false);
  });

  it("answers the contract's example response", () => {
    const plan = reconcile(group, req(null, '123456'));
    expect(view(applyPlan(group, plan, req(null, '123456')), plan.primaryId!)).toEqual({
      contact: {
        primaryContactId: 1,
        emails: [LORRAINE, MCFLY],
        phoneNumbers: ['123456'],
        secondaryContactIds: [23],
      },
    });
  });

  it('is idempotent: applying a link plan and reconciling again reads', () => {
    const request = req(MCFLY, '123456');
    const first = reconcile([lorraine], request);
    const after = applyPlan([lorraine], first, request, 23);
    const second = reconcile(after, request);
    expect(planKind(second)).toBe('read');
    expect(applyPlan(after, second, request)).toEqual(after);
  });
});

describe('reconcile: one group, something new -> link', () => {
  it('links a new email to the existing primary (contract example: mcfly on 123456)', () => {
    const request = req(MCFLY, '123456');
    const plan = reconcile([lorraine], request);
    expect(plan).toEqual({ primaryId: 1, relink: [], insert: true });
    expect(planKind(plan)).toBe('link');

    const rows = applyPlan([lorraine], plan, request, 23);
    expect(rows).toEqual([lorraine, secondary(23, MCFLY, '123456', 1)]);
    expectInvariants(rows, 1);
    expect(view(rows, 1)).toEqual({
      contact: { primaryContactId: 1, emails: [LORRAINE, MCFLY], phoneNumbers: ['123456'], secondaryContactIds: [23] },
    });
  });

  it('links a new phone to the existing primary', () => {
    const request = req(LORRAINE, '999999');
    const plan = reconcile([lorraine, mcfly], request);
    expect(plan).toEqual({ primaryId: 1, relink: [], insert: true });
    expect(planKind(plan)).toBe('link');

    const rows = applyPlan([lorraine, mcfly], plan, request, 30);
    expect(rows).toEqual([lorraine, mcfly, secondary(30, LORRAINE, '999999', 1)]);
    expectInvariants(rows, 1);
    expect(view(rows, 1).contact).toEqual({
      primaryContactId: 1,
      emails: [LORRAINE, MCFLY],
      phoneNumbers: ['123456', '999999'],
      secondaryContactIds: [23, 30],
    });
  });

  it('links to the primary even when only a secondary matched', () => {
    const request = req('marty@hillvalley.edu', '123456');
    const plan = reconcile([lorraine, mcfly], request);
    expect(plan.primaryId).toBe(1);
    expect(planKind(plan)).toBe('link');
    const rows = applyPlan([lorraine, mcfly], plan, request, 40);
    expect(rows[rows.length - 1]).toEqual(secondary(40, 'marty@hillvalley.edu', '123456', 1));
  });

  it('applyPlan appends the inserted row last', () => {
    const request = req(null, '555');
    const plan = reconcile([lorraine, mcfly], request);
    // A phone-only request whose phone is new: nothing matches it in these rows, but the
    // repository only passes matched groups; here the rule is just "new value -> insert".
    expect(plan.insert).toBe(true);
    const rows = applyPlan([lorraine, mcfly], plan, request, 99);
    expect(rows).toHaveLength(3);
    expect(rows.slice(0, 2)).toEqual([lorraine, mcfly]);
    expect(rows[2]).toEqual({ id: 99, email: null, phoneNumber: '555', linkedId: 1, linkPrecedence: 'secondary' });
  });

  it('applyPlan refuses a link plan without the inserted id', () => {
    const request = req(MCFLY, '123456');
    expect(() => applyPlan([lorraine], reconcile([lorraine], request), request)).toThrow(/inserted id/);
  });
});

describe('reconcile: two groups -> merge', () => {
  it('merges George and Biff: the oldest primary wins, nothing new is inserted (contract example)', () => {
    const rows = [george, biff];
    const request = req(GEORGE, '717171');
    const plan = reconcile(rows, request);
    expect(plan).toEqual({ primaryId: 11, relink: [27], insert: false });
    expect(planKind(plan)).toBe('merge');

    const after = applyPlan(rows, plan, request);
    expect(after).toEqual([george, secondary(27, BIFF, '717171', 11)]);
    expectInvariants(after, 11);
    expect(view(after, 11)).toEqual({
      contact: {
        primaryContactId: 11,
        emails: [GEORGE, BIFF],
        phoneNumbers: ['919191', '717171'],
        secondaryContactIds: [27],
      },
    });
  });

  it('the first primary in row order wins, whatever the ids', () => {
    // Row order is createdAt then id: a row with a larger id can be older.
    const older = primary(50, BIFF, '717171');
    const younger = primary(7, GEORGE, '919191');
    const plan = reconcile([older, younger], req(GEORGE, '717171'));
    expect(plan.primaryId).toBe(50);
    expect(plan.relink).toEqual([7]);
  });

  it('relinks the losing primary and its secondaries', () => {
    const rows = [
      george,
      secondary(12, 'g2@hillvalley.edu', '919191', 11),
      biff,
      secondary(28, BIFF, '727272', 27),
      secondary(29, 'tannen@hillvalley.edu', '717171', 27),
    ];
    const request = req(GEORGE, '717171');
    const plan = reconcile(rows, request);
    expect(plan).toEqual({ primaryId: 11, relink: [27, 28, 29], insert: false });
    expect(planKind(plan)).toBe('merge');

    const after = applyPlan(rows, plan, request);
    expectInvariants(after, 11);
    expect(after.map((row) => row.id)).toEqual([11, 12, 27, 28, 29]);
    expect(after.find((row) => row.id === 12)).toEqual(rows[1]);
    expect(view(after, 11).contact).toEqual({
      primaryContactId: 11,
      emails: [GEORGE, 'g2@hillvalley.edu', BIFF, 'tannen@hillvalley.edu'],
      phoneNumbers: ['919191', '717171', '727272'],
      secondaryContactIds: [12, 27, 28, 29],
    });
  });

  it('does not relink secondaries already linked to the winner, even when interleaved in row order', () => {
    const rows = [george, biff, secondary(30, 'late@hillvalley.edu', '919191', 11), secondary(31, 'x@y.z', '717171', 27)];
    const plan = reconcile(rows, req(GEORGE, '717171'));
    expect(plan.primaryId).toBe(11);
    expect(plan.relink).toEqual([27, 31]);
  });

  it('merges and inserts when the request also brings something new', () => {
    const rows = [george, biff];
    const request = req(GEORGE, '717171');
    // Each value already exists in one group or the other: a merge alone, no insert.
    const request2 = req(BIFF, '919191');
    expect(reconcile(rows, request).insert).toBe(false);
    expect(reconcile(rows, request2).insert).toBe(false);

    const rows3 = [george, biff];
    const request3 = req('new@hillvalley.edu', '717171');
    const plan3 = reconcile(rows3, request3);
    expect(plan3).toEqual({ primaryId: 11, relink: [27], insert: true });
    expect(planKind(plan3)).toBe('merge');
    const after = applyPlan(rows3, plan3, request3, 40);
    expect(after).toEqual([george, secondary(27, BIFF, '717171', 11), secondary(40, 'new@hillvalley.edu', '717171', 11)]);
    expectInvariants(after, 11);
  });

  it('is idempotent: after the merge is applied, the same request reads', () => {
    const rows = [george, biff];
    const request = req(GEORGE, '717171');
    const after = applyPlan(rows, reconcile(rows, request), request);
    const again = reconcile(after, request);
    expect(again).toEqual({ primaryId: 11, relink: [], insert: false });
    expect(planKind(again)).toBe('read');
  });
});

describe('reconcile: three groups', () => {
  const a = primary(1, 'a@x.io', '111');
  const a2 = secondary(2, 'a2@x.io', '111', 1);
  const b = primary(3, 'b@x.io', '222');
  const c = primary(4, 'c@x.io', '333');
  const c2 = secondary(5, 'c@x.io', '444', 4);
  const rows = [a, a2, b, c, c2];

  it('keeps the oldest primary and relinks the other two groups', () => {
    const request = req('b@x.io', '444');
    const plan = reconcile(rows, request);
    expect(plan).toEqual({ primaryId: 1, relink: [3, 4, 5], insert: false });
    expect(planKind(plan)).toBe('merge');

    const after = applyPlan(rows, plan, request);
    expectInvariants(after, 1);
    expect(after.map((row) => row.id)).toEqual([1, 2, 3, 4, 5]);
    expect(view(after, 1).contact).toEqual({
      primaryContactId: 1,
      emails: ['a@x.io', 'a2@x.io', 'b@x.io', 'c@x.io'],
      phoneNumbers: ['111', '222', '333', '444'],
      secondaryContactIds: [2, 3, 4, 5],
    });
  });

  it('relinks when the oldest primary is not the first row matched by the request', () => {
    // Only b and c are touched by the request's values, but a is the oldest primary of the gathered groups.
    const plan = reconcile(rows, req('b@x.io', '333'));
    expect(plan.primaryId).toBe(1);
    expect(plan.relink).toEqual([3, 4, 5]);
  });
});

describe('reconcile: a group whose primary is missing', () => {
  // Primary 1 was soft-deleted: only its secondaries are live.
  const orphans = [secondary(2, 'a@x.io', '111', 1), secondary(3, 'b@x.io', '111', 1)];

  it('promotes the oldest live row and relinks the rest to it', () => {
    const request = req('a@x.io', '111');
    const plan = reconcile(orphans, request);
    expect(plan).toEqual({ primaryId: 2, relink: [2, 3], insert: false });
    expect(planKind(plan)).toBe('merge');

    const after = applyPlan(orphans, plan, request);
    expect(after).toEqual([
      { id: 2, email: 'a@x.io', phoneNumber: '111', linkedId: null, linkPrecedence: 'primary' },
      { id: 3, email: 'b@x.io', phoneNumber: '111', linkedId: 2, linkPrecedence: 'secondary' },
    ]);
    expectInvariants(after, 2);
    expect(view(after, 2).contact).toEqual({
      primaryContactId: 2,
      emails: ['a@x.io', 'b@x.io'],
      phoneNumbers: ['111'],
      secondaryContactIds: [3],
    });
  });

  it('promotes a single orphaned secondary and inserts what is new', () => {
    const lone = [secondary(7, 'z@x.io', null, 1)];
    const request = req('z@x.io', '777');
    const plan = reconcile(lone, request);
    expect(plan).toEqual({ primaryId: 7, relink: [7], insert: true });
    const after = applyPlan(lone, plan, request, 8);
    expect(after).toEqual([
      { id: 7, email: 'z@x.io', phoneNumber: null, linkedId: null, linkPrecedence: 'primary' },
      { id: 8, email: 'z@x.io', phoneNumber: '777', linkedId: 7, linkPrecedence: 'secondary' },
    ]);
    expectInvariants(after, 7);
  });
});

describe('planKind', () => {
  it.each([
    [{ primaryId: null, relink: [], insert: true }, 'create'],
    [{ primaryId: 1, relink: [], insert: false }, 'read'],
    [{ primaryId: 1, relink: [], insert: true }, 'link'],
    [{ primaryId: 1, relink: [2], insert: false }, 'merge'],
    [{ primaryId: 1, relink: [2, 3], insert: true }, 'merge'],
  ] as const)('%j is %s', (plan, kind) => {
    expect(planKind({ ...plan, relink: [...plan.relink] })).toBe(kind);
  });
});

describe('view', () => {
  it("puts the primary's email and phone first, then the others in row order", () => {
    // The primary is not the first row here, to show that it is lifted to the front.
    const rows = [secondary(2, 'b@x.io', '222', 3), primary(3, 'a@x.io', '111'), secondary(4, 'c@x.io', '333', 3)];
    expect(view(rows, 3)).toEqual({
      contact: {
        primaryContactId: 3,
        emails: ['a@x.io', 'b@x.io', 'c@x.io'],
        phoneNumbers: ['111', '222', '333'],
        secondaryContactIds: [2, 4],
      },
    });
  });

  it('holds distinct values and no nulls', () => {
    const rows = [
      primary(1, null, '111'),
      secondary(2, 'b@x.io', null, 1),
      secondary(3, 'b@x.io', '111', 1),
      secondary(4, null, '222', 1),
      secondary(5, 'a@x.io', '222', 1),
      secondary(6, null, null, 1),
    ];
    expect(view(rows, 1).contact).toEqual({
      primaryContactId: 1,
      emails: ['b@x.io', 'a@x.io'],
      phoneNumbers: ['111', '222'],
      secondaryContactIds: [2, 3, 4, 5, 6],
    });
  });

  it("keeps the primary's value first even when a secondary has it too", () => {
    const rows = [secondary(9, 'p@x.io', '1', 10), primary(10, 'q@x.io', '2'), secondary(11, 'q@x.io', '1', 10)];
    const contact = view(rows, 10).contact;
    expect(contact.emails).toEqual(['q@x.io', 'p@x.io']);
    expect(contact.phoneNumbers).toEqual(['2', '1']);
    expect(contact.secondaryContactIds).toEqual([9, 11]);
  });

  it('keeps secondaryContactIds in row order, not id order', () => {
    const rows = [primary(1, 'a@x.io', null), secondary(9, 'b@x.io', null, 1), secondary(5, 'c@x.io', null, 1)];
    expect(view(rows, 1).contact.secondaryContactIds).toEqual([9, 5]);
    expect(view(rows, 1).contact.emails).toEqual(['a@x.io', 'b@x.io', 'c@x.io']);
  });

  it('throws when the primary is not among the rows', () => {
    expect(() => view([lorraine, mcfly], 99)).toThrow(/99/);
  });
});
