import { Conflict } from './retry.js';
import type { ContactRow, LinkPrecedence, Plan } from './reconcile.js';
import type { IdentifyRequest } from './request.js';
import type { SqlExecutor, SqlParams, SqlValue } from './sql-executor.js';

/**
 * All the SQL of the service. Every statement uses bound parameters. See docs/CONCURRENCY.md for
 * which rows and gaps each statement locks and why the whole is serializable.
 */

const COLUMNS = 'id, email, phoneNumber, linkedId, linkPrecedence, createdAt';

// Every live row of every group that the email or the phone touches, oldest first, in one
// consistent read (one statement = one snapshot). Each branch keeps to one index.
const SELECT_GROUPS = `
WITH roots AS (
  SELECT COALESCE(linkedId, id) AS id FROM Contact WHERE email = :email AND deletedAt IS NULL
  UNION
  SELECT COALESCE(linkedId, id) AS id FROM Contact WHERE phoneNumber = :phone AND deletedAt IS NULL
)
SELECT c.id, c.email, c.phoneNumber, c.linkedId, c.linkPrecedence, c.createdAt
  FROM roots r JOIN Contact c ON c.id = r.id WHERE c.deletedAt IS NULL
UNION
SELECT c.id, c.email, c.phoneNumber, c.linkedId, c.linkPrecedence, c.createdAt
  FROM roots r JOIN Contact c ON c.linkedId = r.id WHERE c.deletedAt IS NULL
ORDER BY createdAt, id`;

// A new customer, in one autocommit statement. Under REPEATABLE READ the NOT EXISTS probes of an
// INSERT ... SELECT take shared next-key locks on the email and phone index ranges (gap included),
// so a racing insert of the same email or phone blocks or deadlocks; the statement either sees the
// other's row and inserts nothing, or inserts alone.
const INSERT_PRIMARY_IF_ABSENT = `
INSERT INTO Contact (email, phoneNumber, linkedId, linkPrecedence)
SELECT :email, :phone, NULL, 'primary' FROM DUAL
 WHERE NOT EXISTS (SELECT 1 FROM Contact WHERE email = :email AND deletedAt IS NULL)
   AND NOT EXISTS (SELECT 1 FROM Contact WHERE phoneNumber = :phone AND deletedAt IS NULL)`;

// A new detail for one group, in one autocommit statement that re-checks, under shared locks,
// everything the plan was made on: the primary is still a live primary, its secondaries are the
// ones read (count and id sum), and no live row with the email or phone sits in another group.
const INSERT_SECONDARY_IF_UNCHANGED = `
INSERT INTO Contact (email, phoneNumber, linkedId, linkPrecedence)
SELECT :email, :phone, p.id, 'secondary' FROM Contact p
 WHERE p.id = :primaryId AND p.linkPrecedence = 'primary' AND p.linkedId IS NULL AND p.deletedAt IS NULL
   AND (SELECT COUNT(*) FROM Contact s WHERE s.linkedId = :primaryId AND s.deletedAt IS NULL) = :secondaryCount
   AND (SELECT COALESCE(SUM(s.id), 0) FROM Contact s WHERE s.linkedId = :primaryId AND s.deletedAt IS NULL) = :secondaryIdSum
   AND NOT EXISTS (SELECT 1 FROM Contact x WHERE x.email = :email AND x.deletedAt IS NULL
                     AND COALESCE(x.linkedId, x.id) <> :primaryId)
   AND NOT EXISTS (SELECT 1 FROM Contact x WHERE x.phoneNumber = :phone AND x.deletedAt IS NULL
                     AND COALESCE(x.linkedId, x.id) <> :primaryId)`;

const INSERT_CONTACT = `
INSERT INTO Contact (email, phoneNumber, linkedId, linkPrecedence) VALUES (:email, :phone, :linkedId, :linkPrecedence)`;

/**
 * The locking read of the transactional path: exclusive next-key locks on the email and phone
 * index ranges (so no row with them can appear), on the group roots read before (so none can be
 * demoted), and on the roots' secondary ranges (so no row can join or leave those groups).
 */
function lockGroupsSql(rootCount: number): string {
  const roots = Array.from({ length: rootCount }, (_, i) => `:root${i}`).join(', ');
  const branch = (where: string) => `(SELECT ${COLUMNS} FROM Contact WHERE ${where} AND deletedAt IS NULL FOR UPDATE)`;
  const branches = [branch('email = :email'), branch('phoneNumber = :phone')];
  if (rootCount > 0) branches.push(branch(`id IN (${roots})`), branch(`linkedId IN (${roots})`));
  return `${branches.join('\nUNION\n')}\nORDER BY createdAt, id`;
}

function relinkSql(count: number): string {
  const ids = Array.from({ length: count }, (_, i) => `:id${i}`).join(', ');
  return `UPDATE Contact
   SET linkPrecedence = IF(id = :primaryId, 'primary', 'secondary'),
       linkedId = IF(id = :primaryId, NULL, :primaryId)
 WHERE id IN (${ids})`;
}

export class ContactRepository {
  constructor(private readonly db: SqlExecutor) {}

  /** Every live row of the groups the request touches, oldest first: one call, no locks. */
  async findGroups(request: IdentifyRequest, db: SqlExecutor = this.db): Promise<ContactRow[]> {
    const { rows } = await db.run(SELECT_GROUPS, keys(request));
    return rows.map(toContactRow);
  }

  /** Inserts a new primary unless a live row has the email or phone by now. Returns its id, or throws Conflict. */
  async insertPrimaryIfAbsent(request: IdentifyRequest): Promise<number> {
    const result = await this.db.run(INSERT_PRIMARY_IF_ABSENT, keys(request));
    return insertedIdOrConflict(result.affectedRows, result.insertId, 'the email or phone appeared meanwhile');
  }

  /** Inserts a new secondary of `group`'s primary unless the group or the keys changed since it was read. */
  async insertSecondaryIfUnchanged(request: IdentifyRequest, group: readonly ContactRow[], primaryId: number): Promise<number> {
    const secondaries = group.filter((row) => row.id !== primaryId);
    const result = await this.db.run(INSERT_SECONDARY_IF_UNCHANGED, {
      ...keys(request),
      primaryId,
      secondaryCount: secondaries.length,
      secondaryIdSum: secondaries.reduce((sum, row) => sum + row.id, 0),
    });
    return insertedIdOrConflict(result.affectedRows, result.insertId, 'the group changed meanwhile');
  }

  /**
   * The transactional path: lock the request's keys and the groups read before, check that those
   * are still all the groups involved, let `decide` plan over the locked rows, carry out the plan,
   * commit. Throws Conflict (after rolling back) when the groups moved between the read and the lock.
   */
  async withLockedGroups<T>(
    request: IdentifyRequest,
    knownRoots: readonly number[],
    decide: (rows: ContactRow[]) => Plan,
    finish: (rows: ContactRow[], plan: Plan, insertedId: number | undefined) => T,
  ): Promise<T> {
    return this.db.transaction(async (tx) => {
      const params: SqlParams = { ...keys(request) };
      knownRoots.forEach((root, i) => (params[`root${i}`] = root));
      const { rows: raw } = await tx.run(lockGroupsSql(knownRoots.length), params);
      const rows = raw.map(toContactRow);
      const locked = new Set(knownRoots);
      const escaped = rows.find((row) => !locked.has(row.linkedId ?? row.id));
      if (escaped) throw new Conflict('a group was merged or created between the read and the lock');

      const plan = decide(rows);
      const primaryId = plan.primaryId;
      if (primaryId !== null && plan.relink.length > 0) {
        const ids: SqlParams = { primaryId };
        plan.relink.forEach((id, i) => (ids[`id${i}`] = id));
        await tx.run(relinkSql(plan.relink.length), ids);
      }
      let insertedId: number | undefined;
      if (plan.insert) {
        const result = await tx.run(INSERT_CONTACT, {
          ...keys(request),
          linkedId: primaryId,
          linkPrecedence: primaryId === null ? 'primary' : 'secondary',
        });
        insertedId = insertedIdOrConflict(result.affectedRows, result.insertId, 'insert wrote nothing');
      }
      return finish(rows, plan, insertedId);
    });
  }
}

function keys(request: IdentifyRequest): SqlParams {
  return { email: request.email, phone: request.phoneNumber };
}

// Nothing inserted means a premise failed: read again. (Were a row inserted but no id reported,
// the same re-read would find it and answer from it: still right, one call dearer.)
function insertedIdOrConflict(affectedRows: number, insertId: number | undefined, reason: string): number {
  if (affectedRows === 1 && insertId !== undefined) return insertId;
  throw new Conflict(reason);
}

function toContactRow(record: SqlValue[]): ContactRow {
  const [id, email, phoneNumber, linkedId, linkPrecedence] = record;
  return {
    id: Number(id),
    email: email === null ? null : String(email),
    phoneNumber: phoneNumber === null ? null : String(phoneNumber),
    linkedId: linkedId === null || linkedId === undefined ? null : Number(linkedId),
    linkPrecedence: linkPrecedence as LinkPrecedence,
  };
}
