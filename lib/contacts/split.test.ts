import { describe, expect, it } from 'vitest';
import { type SplitRow, split, valueHash } from './split.js';

// The regrouping rule of /unlink over rows whose value was already taken out.
const row = (id: number, email: string | null, phoneNumber: string | null, linkedId: number | null, extra: Partial<SplitRow> = {}): SplitRow => ({
  id,
  email,
  phoneNumber,
  linkedId,
  linkPrecedence: linkedId === null ? 'primary' : 'secondary',
  createdAt: id,
  held: false,
  deleted: false,
  ...extra,
});

describe('split', () => {
  it('keeps two rows together through a recorded pairing, and splits them without it', () => {
    // The contract's example after /unlink {phoneNumber: 1}: (a, –) and (b, 2), paired (a, 2).
    const rows = [row(1, 'a', null, null, { held: true }), row(2, 'b', '2', 1)];
    expect(split(rows, [{ emailHash: valueHash('a'), phoneHash: valueHash('2') }])).toEqual({ relink: [], changed: 1, primaryContactIds: [1] });
    expect(split(rows, [])).toEqual({ relink: [[2, null]], changed: 2, primaryContactIds: [1, 2] });
  });

  it('makes each component’s oldest row (createdAt, then id) its primary, one level deep', () => {
    const rows = [row(1, 'a', null, null, { held: true }), row(5, 'b', '7', 1, { createdAt: 0 }), row(3, 'c', '7', 1), row(4, 'a', null, 1)];
    expect(split(rows, [])).toEqual({
      relink: [
        [5, null],
        [3, 5],
      ],
      changed: 3,
      primaryContactIds: [1, 5],
    });
  });

  it('leaves a deleted row out of every group, and counts it as changed', () => {
    const rows = [row(1, 'a', null, null), row(2, null, null, 1, { held: true, deleted: true })];
    expect(split(rows, [])).toEqual({ relink: [], changed: 1, primaryContactIds: [1] });
  });

  it('hashes as the database does: SHA-256 of the UTF-8 bytes, in hex', () => {
    expect(valueHash('é')).toBe('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c');
  });
});
