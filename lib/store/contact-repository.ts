import type { ContactRow, IdentifyRequest } from '../contacts/model.js';
import type { Plan } from '../contacts/reconcile.js';
import { Conflict } from '../errors.js';
import { type BlockedKeys, parseHead, sortRows } from './contact-rows.js';
import {
  groupHeadSql,
  INSERT_CONTACT,
  INSERT_PRIMARY_IF_ABSENT,
  INSERT_SECONDARY_IF_UNCHANGED,
  keyParams as keys,
  LOCK_DROPPED_KEYS,
  RECORD_PAIRING,
  relinkGroupsIfUnchangedSql,
  relinkGroupsSql,
  rootList,
  SELECT_GROUPS_FIRST,
  SELECT_GROUPS_STATS,
} from './contact-sql.js';
import { isResponseTooLarge, readLockedPage, readPackedPage, readRest } from './group-pages.js';
import { FIRST_READ_ROWS, quotedTwiceBytes, ROW_OVERHEAD_BYTES, rowsPerPage } from './page-budget.js';
import type { SqlExecutor, SqlParams } from './sql-executor.js';

/**
 * The contact store: turns the use case's reads and plans into the statements of contact-sql.ts over
 * any SqlExecutor (the Data API in production), and their results back into rows.
 */

/** A whole read of the groups a request touches: their live rows in the contract's order, and their roots. */
export interface GroupRows {
  rows: ContactRow[];
  roots: number[];
  /** Which of the request's keys are stored blocked values: they matched nothing, and the rows answer none. */
  blocked: BlockedKeys;
  /** The version of the stored blocked values the rows' masking reflects (re-checked by the writes). */
  blockedVersion: number;
}

/** What the transactional path wrote: the locked rows it planned over, the plan, the new row's id if any. */
export interface LockedWrite {
  rows: ContactRow[];
  plan: Plan;
  insertedId: number | undefined;
}

export class ContactRepository {
  constructor(private readonly db: SqlExecutor) {}

  /**
   * Every live row of the groups the request touches, oldest first, as of one snapshot, without
   * locks. A group with up to FIRST_READ_ROWS secondaries costs one call; a larger one is read
   * again inside a Data API transaction (REPEATABLE READ: one snapshot for all its statements),
   * page by page, each page within the Data API's 1 MiB response limit.
   */
  async findGroups(request: IdentifyRequest): Promise<GroupRows> {
    const first = await this.db.run(SELECT_GROUPS_FIRST, { ...keys(request), firstRows: FIRST_READ_ROWS + 1 }).then(
      (result) => parseHead(result, FIRST_READ_ROWS + 1),
      (error: unknown) => {
        // Rows longer than foreseen made even the first read too large: read it in pages.
        if (isResponseTooLarge(error)) return undefined;
        throw error;
      },
    );
    if (first?.complete) return { rows: sortRows(first.rows), roots: first.roots, blocked: first.blocked, blockedVersion: first.blockedVersion };
    return this.db.transaction(async (tx) => {
      const head = parseHead(await tx.run(SELECT_GROUPS_STATS, { ...keys(request), firstRows: 0 }), 0);
      return { rows: sortRows(await readRest(tx, head, readPackedPage)), roots: head.roots, blocked: head.blocked, blockedVersion: head.blockedVersion };
    });
  }

  /**
   * Inserts a new primary unless a live row has the email or phone by now. Returns its id, or throws Conflict.
   * `dropped`, here and below: the keys the read found blocked and left out; the write re-checks that they still are.
   */
  async insertPrimaryIfAbsent(request: IdentifyRequest, dropped?: IdentifyRequest): Promise<number> {
    const result = await this.db.run(INSERT_PRIMARY_IF_ABSENT, keys(request, dropped));
    return insertedIdOrConflict(result.affectedRows, result.insertId, 'the email or phone appeared meanwhile');
  }

  /**
   * Inserts a new secondary of `group`'s primary unless the group or the keys changed since it was read,
   * or (with `blockedVersion`, the read's) the stored blocked values did.
   */
  async insertSecondaryIfUnchanged(
    request: IdentifyRequest,
    group: readonly ContactRow[],
    primaryId: number,
    dropped?: IdentifyRequest,
    blockedVersion?: number,
  ): Promise<number> {
    let secondaryCount = 0;
    let secondaryIdSum = 0;
    for (const row of group) {
      if (row.id === primaryId) continue;
      secondaryCount++;
      secondaryIdSum += row.id;
    }
    const params = { ...keys(request, dropped), ...held(request, group), primaryId, secondaryCount, secondaryIdSum, blockedVersion: blockedVersion ?? null };
    const result = await this.db.run(INSERT_SECONDARY_IF_UNCHANGED, params);
    return insertedIdOrConflict(result.affectedRows, result.insertId, 'the group changed meanwhile');
  }

  /**
   * A merge in one conditional statement: re-points every live row of `known`'s groups to
   * `primaryId` only if, under locks, they are still exactly the groups read (each root a live
   * primary, each root's secondaries the ones read by count and id sum, no live row with the email
   * or phone in another group). `changes`: how many rows the plan re-points. Throws Conflict when
   * the statement changed anything else (nothing, if a premise failed). Only for reads where
   * `rootsAreLivePrimaries` holds; the rest take withLockedGroups.
   */
  async relinkGroupsIfUnchanged(request: IdentifyRequest, known: GroupRows, primaryId: number, changes: number, dropped?: IdentifyRequest): Promise<void> {
    const roots = rootList(known.roots);
    if (roots.sql === null) throw new Error('a merge needs the roots it merges');
    const params: SqlParams = { ...keys(request, dropped), ...held(request, known.rows), ...roots.params, primaryId, blockedVersion: known.blockedVersion };
    for (const [i, root] of known.roots.entries()) {
      const secondaries = known.rows.filter((row) => row.linkedId === root);
      params[`secondaryCount${i}`] = secondaries.length;
      params[`secondaryIdSum${i}`] = secondaries.reduce((sum, row) => sum + row.id, 0);
    }
    const sql = relinkGroupsIfUnchangedSql(roots.sql, known.roots.length);
    const relink = async (db: SqlExecutor) => {
      const result = await db.run(sql, params);
      if (result.affectedRows !== changes) throw new Conflict('the groups changed between the read and the merge');
    };
    // With one key there is no pair to record: the UPDATE alone, in autocommit.
    if (request.email === null || request.phoneNumber === null) return relink(this.db);
    // The pairing commits with the merge or neither does: one Data API transaction around the two
    // statements (BeginTransaction, UPDATE, INSERT, CommitTransaction). A Conflict rolls it back.
    await this.db.transaction(async (tx) => {
      await relink(tx);
      await tx.run(RECORD_PAIRING, keys(request));
    });
  }

  /**
   * The transactional path: lock the request's keys and the groups read before, check that those
   * are still all the groups involved, plan over the locked rows (`planFor`, a pure rule), carry out
   * the plan, commit. Throws Conflict (after rolling back) when the groups moved between the read and
   * the lock. Whatever `planFor` throws rolls the transaction back: nothing is written.
   */
  async withLockedGroups(request: IdentifyRequest, known: GroupRows, planFor: (rows: ContactRow[]) => Plan, dropped?: IdentifyRequest): Promise<LockedWrite> {
    const roots = rootList(known.roots);
    return this.db.transaction(async (tx) => {
      // Small groups come back whole with the locks (one call); the first read sized the rows.
      const longest = { maxEmail: quotedTwiceBytes(known.rows, 'email'), maxPhone: quotedTwiceBytes(known.rows, 'phoneNumber') };
      const firstRows = Math.min(FIRST_READ_ROWS, rowsPerPage(ROW_OVERHEAD_BYTES + 16, longest));
      const lockAll = groupHeadSql(roots.sql, ' FOR UPDATE', { stats: true, escapes: true });
      const params = roots.sql === null ? keys(request) : { ...keys(request), ...roots.params, firstRows };
      const head = parseHead(await tx.run(lockAll, params).catch(longerRowsMeanChange), firstRows);
      const locked = new Set(known.roots);
      if (head.escaped > 0 || head.rows.some((row) => !locked.has(row.linkedId ?? row.id))) {
        throw new Conflict('a group was merged or created between the read and the lock');
      }
      if (head.blocked.email || head.blocked.phone) throw new Conflict('a key was blocked between the read and the lock');
      if (head.blockedVersion !== known.blockedVersion) throw new Conflict('the stored blocked values changed between the read and the lock');
      const droppedKeys = Number(dropped?.email != null) + Number(dropped?.phoneNumber != null);
      if (droppedKeys > 0 && Number((await tx.run(LOCK_DROPPED_KEYS, keys(request, dropped))).rows[0]?.[0]) !== droppedKeys) {
        throw new Conflict('a key was unblocked between the read and the lock');
      }
      const rows = sortRows(await readRest(tx, head, readLockedPage));
      // Each group read still holds one of the keys: an /unlink may have taken a key out of a group
      // without changing its links, and a plan over a group the request no longer touches would link to it.
      const holdsKey = (row: ContactRow) =>
        (request.email !== null && row.email === request.email) || (request.phoneNumber !== null && row.phoneNumber === request.phoneNumber);
      if (known.roots.some((root) => !rows.some((row) => (row.linkedId ?? row.id) === root && holdsKey(row)))) {
        throw new Conflict('a key left a group between the read and the lock');
      }
      const plan = planFor(rows);
      const primaryId = plan.primaryId;
      if (primaryId !== null && plan.relink.length > 0 && roots.sql !== null) {
        await tx.run(relinkGroupsSql(roots.sql), { ...roots.params, primaryId });
        // A merge records the request's pair, in the same transaction (nothing unless both keys are given).
        if (request.email !== null && request.phoneNumber !== null) await tx.run(RECORD_PAIRING, keys(request));
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
      return { rows, plan, insertedId };
    });
  }
}

/**
 * Whether a read's groups are as the service leaves them: every root a live primary among the rows,
 * every other row one of its secondaries. Only then can one statement re-check them
 * (relinkGroupsIfUnchanged); a soft-deleted primary or a chain left by hand takes the locked path.
 */
export function rootsAreLivePrimaries(known: GroupRows): boolean {
  const roots = new Set(known.roots);
  const primaries = known.rows.filter((row) => roots.has(row.id) && row.linkedId === null && row.linkPrecedence === 'primary');
  if (primaries.length !== roots.size) return false;
  return known.rows.every((row) => (row.linkedId === null ? roots.has(row.id) : roots.has(row.linkedId)));
}

/** Which of the request's keys the rows read hold: the conditional writes re-check that they still do. */
function held(request: IdentifyRequest, rows: readonly ContactRow[]): SqlParams {
  return {
    emailHeld: Number(request.email !== null && rows.some((row) => row.email === request.email)),
    phoneHeld: Number(request.phoneNumber !== null && rows.some((row) => row.phoneNumber === request.phoneNumber)),
  };
}

// The locked head was sized from the first read's rows; longer ones can only be rows added since:
// the groups changed, so read again (the next read sizes the head from them).
function longerRowsMeanChange(error: unknown): never {
  if (isResponseTooLarge(error)) throw new Conflict('rows longer than the first read saw joined the groups');
  throw error;
}

// Nothing inserted means a premise failed: read again. (Were a row inserted but no id reported,
// the same re-read would find it and answer from it: still right, one call dearer.)
function insertedIdOrConflict(affectedRows: number, insertId: number | undefined, reason: string): number {
  if (affectedRows === 1 && insertId !== undefined) return insertId;
  throw new Conflict(reason);
}
