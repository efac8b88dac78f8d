import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { sql } from './helpers.js';

/**
 * After /identify and /unlink raced: the stored groups of the live rows whose email is LIKE
 * `emailLike` or whose phone is one of `phones` are exactly the connected components of shared
 * emails, shared phones and recorded pairings, each with its oldest row (createdAt, then id) as
 * primary and every other row linked to it, one level deep.
 */
export async function expectGroupsAreComponents(emailLike: string, phones: string[]): Promise<void> {
  const [rows] = await sql().query(
    'SELECT id, email, phoneNumber, linkedId, linkPrecedence FROM Contact WHERE deletedAt IS NULL AND (email LIKE ? OR phoneNumber IN (?)) ORDER BY createdAt, id',
    [emailLike, phones],
  );
  type Row = { id: number; email: string | null; phoneNumber: string | null; linkedId: number | null; linkPrecedence: string };
  const live = rows as Row[];
  expect(live.length).toBeGreaterThan(0);
  const [pairingRows] = await sql().query('SELECT LOWER(HEX(emailHash)) AS e, LOWER(HEX(phoneHash)) AS p FROM ContactPairing');
  const pairs = new Set((pairingRows as { e: string; p: string }[]).map(({ e, p }) => `${e}/${p}`));
  const hex = (value: string) => createHash('sha256').update(value).digest('hex');
  const paired = (a: Row, b: Row) => a.email !== null && b.phoneNumber !== null && pairs.has(`${hex(a.email)}/${hex(b.phoneNumber)}`);
  const joined = (a: Row, b: Row) =>
    (a.email !== null && a.email === b.email) || (a.phoneNumber !== null && a.phoneNumber === b.phoneNumber) || paired(a, b) || paired(b, a);
  // Components, naively: merge any two sets with a row each that share a value or are paired.
  let components = live.map((row) => [row]);
  for (let merged = true; merged; ) {
    merged = false;
    outer: for (let i = 0; i < components.length; i++) {
      for (let j = i + 1; j < components.length; j++) {
        if (components[i]!.some((a) => components[j]!.some((b) => joined(a, b)))) {
          components[i]!.push(...components[j]!);
          components = components.filter((_, k) => k !== j);
          merged = true;
          break outer;
        }
      }
    }
  }
  for (const component of components) {
    const [primary, ...secondaries] = live.filter((row) => component.includes(row)); // the query's order: createdAt, then id
    expect([primary!.id, primary!.linkedId, primary!.linkPrecedence]).toEqual([primary!.id, null, 'primary']);
    for (const row of secondaries) expect([row.id, row.linkedId, row.linkPrecedence]).toEqual([row.id, primary!.id, 'secondary']);
  }
}
