import { describe, expect, it } from 'vitest';
import { ReferenceModel } from './reference-model.js';

// The reference model's recorded pairings and /unlink, against CONTRACT.md's own example and the
// cases it names: the serial-model e2e trusts the model, so the model is pinned here by hand.

/** A model after `requests`, each an /identify of (email, phone). */
function modelAfter(...requests: [string | null, string | null][]): ReferenceModel {
  const model = new ReferenceModel();
  for (const [email, phoneNumber] of requests) model.identify(email, phoneNumber);
  return model;
}

/** The rows as [id, email, phone, linkedId, precedence, deleted], short enough to read in an assertion. */
const rowsOf = (model: ReferenceModel) => model.rows.map((row) => [row.id, row.email, row.phoneNumber, row.linkedId, row.linkPrecedence, row.deleted]);

describe('ReferenceModel: recorded pairings', () => {
  it('records the pair of a merge that inserts no row, and of no request that does not merge', () => {
    const model = modelAfter(['a', '1'], ['a', '2'], ['b', '3'], ['b', null]);
    expect(model.pairings).toEqual([]);
    model.identify('a', '3');
    expect(model.pairings).toEqual([{ email: 'a', phoneNumber: '3' }]);
    expect(model.hasPairing('a', '3')).toBe(true);
    expect(model.hasPairing('b', '3')).toBe(false);
  });

  it('records nothing when a blocked value is dropped from the request, so no merge is left', () => {
    const model = modelAfter(['a', '1'], ['b', '2']);
    model.block(null, '2');
    model.identify('a', '2');
    expect(model.pairings).toEqual([]);
    expect(rowsOf(model)).toEqual([
      [1, 'a', '1', null, 'primary', false],
      [2, 'b', '2', null, 'primary', false],
    ]);
  });

  it('drops, on /erase, the pairings holding a value of an erased group, and keeps the others', () => {
    const model = modelAfter(['a', '1'], ['b', '2'], ['a', '2'], ['c', '3'], ['d', '4'], ['c', '4']);
    expect(model.pairings).toEqual([
      { email: 'a', phoneNumber: '2' },
      { email: 'c', phoneNumber: '4' },
    ]);
    model.erase('b', null);
    expect(model.pairings).toEqual([{ email: 'c', phoneNumber: '4' }]);
  });
});

describe('ReferenceModel: /unlink', () => {
  it('keeps the contract example together through its pairing when the phone goes', () => {
    const model = modelAfter(['a', '1'], ['b', '2'], ['a', '2']);
    expect(model.unlink(null, '1')).toEqual({ unlinked: { contacts: 1, primaryContactIds: [1] } });
    expect(rowsOf(model)).toEqual([
      [1, 'a', null, null, 'primary', false],
      [2, 'b', '2', 1, 'secondary', false],
    ]);
    expect(model.pairings).toEqual([{ email: 'a', phoneNumber: '2' }]);
  });

  it('splits the contract example when the email of its pairing goes, and drops the pairing', () => {
    const model = modelAfter(['a', '1'], ['b', '2'], ['a', '2']);
    expect(model.unlink('a', null)).toEqual({ unlinked: { contacts: 2, primaryContactIds: [1, 2] } });
    expect(rowsOf(model)).toEqual([
      [1, null, '1', null, 'primary', false],
      [2, 'b', '2', null, 'primary', false],
    ]);
    expect(model.pairings).toEqual([]);
  });

  it('makes each component’s oldest row its primary and counts rows relinked without holding the value', () => {
    // (a,1) (b,1) (b,2): without phone 1, row 2 and row 3 still share b, apart from row 1.
    const model = modelAfter(['a', '1'], ['b', '1'], ['b', '2']);
    expect(model.unlink(null, '1')).toEqual({ unlinked: { contacts: 3, primaryContactIds: [1, 2] } });
    expect(rowsOf(model)).toEqual([
      [1, 'a', null, null, 'primary', false],
      [2, 'b', null, null, 'primary', false],
      [3, 'b', '2', 2, 'secondary', false],
    ]);
  });

  it('deletes a row left with nothing, keeping its link, and leaves it out of the groups', () => {
    // (b,–) merged into (a,1) by {b,1}: row 2 is a secondary holding only b.
    const model = modelAfter(['a', '1'], ['b', null], ['b', '1']);
    expect(model.unlink('b', null)).toEqual({ unlinked: { contacts: 1, primaryContactIds: [1] } });
    expect(rowsOf(model)).toEqual([
      [1, 'a', '1', null, 'primary', false],
      [2, null, null, 1, 'secondary', true],
    ]);
    expect(model.pairings).toEqual([]);
  });

  it('answers no primary when every row of the group is left empty, yet counts them', () => {
    const model = modelAfter(['a', null]);
    expect(model.unlink('a', null)).toEqual({ unlinked: { contacts: 1, primaryContactIds: [] } });
    expect(rowsOf(model)).toEqual([[1, null, null, null, 'primary', true]]);
  });

  it('keeps a row whose only value left is blocked, and lets that blocked value join nothing', () => {
    const model = modelAfter(['a', '1'], ['b', '1'], ['b', '2']);
    model.block('b', null);
    expect(model.unlink(null, '1')).toEqual({ unlinked: { contacts: 3, primaryContactIds: [1, 2, 3] } });
    expect(rowsOf(model)).toEqual([
      [1, 'a', null, null, 'primary', false],
      [2, 'b', null, null, 'primary', false],
      [3, 'b', '2', null, 'primary', false],
    ]);
  });

  it('lets no pairing with a blocked side hold a group together', () => {
    const model = modelAfter(['a', '1'], ['b', '2'], ['a', '2']);
    model.block(null, '2');
    expect(model.unlink(null, '1')).toEqual({ unlinked: { contacts: 2, primaryContactIds: [1, 2] } });
    expect(model.pairings).toEqual([{ email: 'a', phoneNumber: '2' }]);
  });

  it('reaches a blocked value, and with block blocks the value it took out', () => {
    const model = modelAfter(['a', '1'], ['b', '1']);
    model.block(null, '1');
    expect(model.unlink(null, '1', true)).toEqual({ unlinked: { contacts: 2, primaryContactIds: [1, 2] } });
    model.unblock(null, '1');
    expect(model.unlink('a', null, true)).toEqual({ unlinked: { contacts: 1, primaryContactIds: [] } });
    expect(model.isBlocked('email', 'a')).toBe(true);
    expect(model.isBlocked('phone', '1')).toBe(false);
  });

  it('changes nothing for a value no live row holds, but still blocks it', () => {
    const model = modelAfter(['a', '1']);
    const before = rowsOf(model);
    expect(model.unlink('z', null, true)).toEqual({ unlinked: { contacts: 0, primaryContactIds: [] } });
    expect(rowsOf(model)).toEqual(before);
    expect(model.isBlocked('email', 'z')).toBe(true);
  });

  it('leaves groups that did not hold the value as they are', () => {
    const model = modelAfter(['a', '1'], ['b', '1'], ['c', '3'], ['d', '3']);
    model.unlink(null, '1');
    expect(rowsOf(model).slice(2)).toEqual([
      [3, 'c', '3', null, 'primary', false],
      [4, 'd', '3', 3, 'secondary', false],
    ]);
  });

  it('takes exactly one value', () => {
    const model = modelAfter(['a', '1']);
    expect(() => model.unlink('a', '1')).toThrow(/exactly one/);
    expect(() => model.unlink(null, null)).toThrow(/exactly one/);
  });
});
