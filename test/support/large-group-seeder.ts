import type { Pool } from 'mysql2/promise';

/**
 * Large groups written straight into the table, for the tests and the benchmark of groups of any
 * size: one INSERT ... SELECT over a derived table of digits (portable to MySQL 8, which has no
 * sequence tables), so 100,000 rows take about a second.
 */
export interface SeededGroup {
  primaryId: number;
  primaryEmail: string;
  size: number;
}

export interface GroupSeed {
  /** Unique per group: part of every email. */
  tag: string;
  /** Contacts in all, the primary included (at most 1,000,000). */
  size: number;
  /** Characters of each email (at least 24). */
  emailLength?: number;
  /** The primary's phone, if any (the secondaries have none). */
  phone?: string | null;
  /** The primary's createdAt ('YYYY-MM-DD HH:MM:SS', UTC); the secondaries follow it within `size` seconds. */
  createdAt: string;
}

const DIGITS =
  '(SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
const SEQUENCE = `(SELECT a.n + 10 * b.n + 100 * c.n + 1000 * d.n + 10000 * e.n + 100000 * f.n AS n
  FROM ${DIGITS} a, ${DIGITS} b, ${DIGITS} c, ${DIGITS} d, ${DIGITS} e, ${DIGITS} f)`;
const DOMAIN = '@example.io';

/** The email of contact `n` (0: the primary) of a seeded group. */
export function seededEmail(seed: Pick<GroupSeed, 'tag' | 'emailLength'>, n: number): string {
  const width = (seed.emailLength ?? 30) - seed.tag.length - DOMAIN.length - 1;
  return `${String(n).padStart(width, '0')}.${seed.tag}${DOMAIN}`;
}

export async function seedGroup(pool: Pool, seed: GroupSeed): Promise<SeededGroup> {
  const width = (seed.emailLength ?? 30) - seed.tag.length - DOMAIN.length - 1;
  const primaryEmail = seededEmail(seed, 0);
  const [inserted] = await pool.query("INSERT INTO Contact (email, phoneNumber, linkedId, linkPrecedence, createdAt) VALUES (?, ?, NULL, 'primary', ?)", [
    primaryEmail,
    seed.phone ?? null,
    seed.createdAt,
  ]);
  const primaryId = (inserted as { insertId: number }).insertId;
  // createdAt is a permutation of the ids (7919 is prime), so id order is not the contract's order.
  await pool.query(
    `INSERT INTO Contact (email, phoneNumber, linkedId, linkPrecedence, createdAt)
     SELECT CONCAT(LPAD(s.n, ?, '0'), '.', ?, ?), NULL, ?, 'secondary', TIMESTAMP(?) + INTERVAL (1 + (s.n * 7919) MOD ?) SECOND
       FROM ${SEQUENCE} s WHERE s.n BETWEEN 1 AND ?`,
    [width, seed.tag, DOMAIN, primaryId, seed.createdAt, seed.size, seed.size - 1],
  );
  return { primaryId, primaryEmail, size: seed.size };
}
