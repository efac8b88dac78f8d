import type { ContactRow, Plan } from './reconcile.js';
import type { IdentifyRequest } from './request.js';
import { Conflict } from './retry.js';
import type { SqlExecutor, SqlParams, SqlResult, SqlValue } from './sql-executor.js';

/**
 * All the SQL of the service. Every statement uses bound parameters. See docs/CONCURRENCY.md for
 * which rows and gaps each statement locks and why the whole is serializable.
 */

/** Secondaries the first read of a group returns with it; a group with more is read in pages. */
export const FIRST_READ_ROWS = 1_000;

/**
 * Bytes of one page of rows in a Data API response. AWS refuses a response over 1 MiB (1,048,576
 * bytes of JSON); this leaves room for the envelope and for escaping beyond JSON's own.
 */
const PAGE_BUDGET_BYTES = 900_000;

/**
 * Bytes of a row in the Data API's JSON besides its quoted email and phone: the field wrappers
 * (`{"longValue":…}`, `{"stringValue":…}`, `{"isNull":true}`), the longest INT ids and timestamps,
 * brackets and commas. With the group's longest quoted email and phone it bounds every row.
 */
const ROW_OVERHEAD_BYTES = 131;

/** The same for a row packed as a JSON array (`[id, "email", "phone", linkedId, true, ts]`, MySQL's ", " separators included). */
const PACKED_OVERHEAD_BYTES = 50;

/**
 * A packed chunk's own wrapper in the response (`[{"stringValue":"[…]"}],`): when a root's ids are
 * sparse every chunk may hold a single row, which then pays it alone, so a page is sized for that.
 */
const RECORD_WRAPPER_BYTES = 24;

/** Bytes of one packed chunk: under the Data API's 64 KB per row. */
const CHUNK_BUDGET_BYTES = 60_000;

// A contact row as every read returns it: `isPrimary` (0/1) and the creation time in epoch seconds
// instead of the ENUM and TIMESTAMP strings, about 30% fewer bytes per row. The contract's order
// (createdAt, then id) is restored in JavaScript (sortRows), so pages can follow the indexes.
const ROW = `c.id, c.email, c.phoneNumber, c.linkedId, c.linkPrecedence = 'primary' AS isPrimary, UNIX_TIMESTAMP(c.createdAt) AS ts`;

/** What each row of a group head is (its first column). */
const HEAD = { root: 0, secondary: 1, stats: 2, escaped: 3 } as const;

// Every read of Contact by email, phone or linkedId names its index (FORCE INDEX, the same on MySQL
// and MariaDB), so that its rows and locks are that key's range whatever the statistics say: where
// one group is most of the table, MySQL 8+ joins a table scan by hash and walks the primary key for
// `ORDER BY id LIMIT n`, and MariaDB scans the table for a locked head (lib/read-cost.int.test.ts;
// docs/CONCURRENCY.md, "Engines").
const BY_EMAIL = 'FORCE INDEX (ContactEmail)';
const BY_PHONE = 'FORCE INDEX (ContactPhoneNumber)';
const BY_LINK = 'FORCE INDEX (ContactLinkedId)';

// The roots of every group the email or the phone touches. Each branch keeps to one index.
const ROOTS_CTE = `
WITH roots AS (
  SELECT COALESCE(linkedId, id) AS id FROM Contact ${BY_EMAIL} WHERE email = :email AND deletedAt IS NULL
  UNION
  SELECT COALESCE(linkedId, id) AS id FROM Contact ${BY_PHONE} WHERE phoneNumber = :phone AND deletedAt IS NULL
)`;

/**
 * The head of the groups whose roots are `rootSet`, in one statement (one snapshot, or with `lock`
 * one locking read): the live root rows; the first `:firstRows` live secondaries by id; with
 * `stats`, one row per root with live secondaries (columns reused: id = the root, linkedId = how
 * many, isPrimary and ts = the longest email and phone quoted twice as JSON, i.e. as they travel
 * inside a JSON string of the Data API's JSON, for sizing pages); and, with `escapes`, per key how
 * many live rows with it hang off a root outside `rootSet`.
 */
function groupHeadSql(rootSet: string | null, lock: '' | ' FOR UPDATE', parts: { stats: boolean; escapes: boolean }): string {
  const branches: string[] = [];
  if (rootSet !== null) {
    branches.push(
      `(SELECT ${HEAD.root} AS kind, ${ROW} FROM Contact c WHERE c.id IN ${rootSet} AND c.deletedAt IS NULL${lock})`,
      `(SELECT ${HEAD.secondary}, ${ROW} FROM ${secondariesOf(rootSet)} c.deletedAt IS NULL
      ORDER BY c.id LIMIT :firstRows${lock})`,
    );
    if (parts.stats) {
      branches.push(`(SELECT ${HEAD.stats}, c.linkedId, NULL, NULL, COUNT(*),
      MAX(LENGTH(JSON_QUOTE(JSON_QUOTE(c.email)))), MAX(LENGTH(JSON_QUOTE(JSON_QUOTE(c.phoneNumber))))
      FROM ${secondariesOf(rootSet)} c.deletedAt IS NULL GROUP BY c.linkedId${lock})`);
    }
  }
  if (parts.escapes) {
    // With no roots known, every live row with the key escapes.
    const escapes = rootSet === null ? 'COUNT(*)' : `COALESCE(SUM(COALESCE(c.linkedId, c.id) NOT IN ${rootSet}), 0)`;
    for (const [index, key] of [
      [BY_EMAIL, 'email = :email'],
      [BY_PHONE, 'phoneNumber = :phone'],
    ]) {
      branches.push(`(SELECT ${HEAD.escaped}${rootSet === null ? ' AS kind' : ''}, ${escapes}, NULL, NULL, NULL, NULL, NULL
      FROM Contact c ${index} WHERE c.${key} AND c.deletedAt IS NULL${lock})`);
    }
  }
  return branches.join('\nUNION ALL\n');
}

/**
 * The rows hanging off `rootSet`, up to a WHERE to continue. Off the roots CTE, the roots drive the
 * join: with `linkedId IN (SELECT id FROM roots) ORDER BY id LIMIT n` the optimizer may walk the
 * primary key in id order and test every row of the table (31 ms instead of 0.5 ms on a table of
 * 145,000 rows, measured on MariaDB 10.11), and MySQL 9.7 runs `linkedId IN (SELECT id FROM roots)
 * ... GROUP BY linkedId` as a walk of the whole ContactLinkedId index, probing the roots per entry,
 * whenever one of the CTE's branches is empty; STRAIGHT_JOIN keeps it to one ContactLinkedId range per root.
 */
function secondariesOf(rootSet: string): string {
  return rootSet === ROOTS
    ? `roots r STRAIGHT_JOIN Contact c ${BY_LINK} ON c.linkedId = r.id WHERE`
    : `Contact c ${BY_LINK} WHERE c.linkedId IN ${rootSet} AND`;
}

const ROOTS = '(SELECT id FROM roots)';

/**
 * The first read of a request, in autocommit: the roots and first secondaries of the groups its
 * keys touch. Asked for FIRST_READ_ROWS + 1 secondaries, it shows whether the groups fit.
 */
const SELECT_GROUPS_FIRST = `${ROOTS_CTE}\n${groupHeadSql(ROOTS, '', { stats: false, escapes: false })}`;

/** The head of a paged read, inside its transaction: roots and per-root stats, no secondaries yet. */
const SELECT_GROUPS_STATS = `${ROOTS_CTE}\n${groupHeadSql(ROOTS, '', { stats: true, escapes: false })}`;

/** The next live secondaries of one root after `:after`, by id (ContactLinkedId holds (linkedId, id): a range scan), locked. */
const LOCK_SECONDARIES_PAGE = `SELECT ${ROW} FROM Contact c ${BY_LINK}
 WHERE c.linkedId = :root AND c.id > :after AND c.deletedAt IS NULL ORDER BY c.id LIMIT :limit FOR UPDATE`;

/**
 * The same page for a plain read, packed: rows whose ids share a block of `:chunkRows` go into one
 * JSON array (so at most that many rows: ids are unique), one array per result row. One string per
 * chunk instead of six fields per row is half the bytes and a fraction of the parsing. (JSON_ARRAYAGG
 * has no ORDER BY on MySQL: rows are put in order in JavaScript.)
 */
const SELECT_SECONDARIES_PACKED = `
SELECT JSON_ARRAYAGG(JSON_ARRAY(q.id, q.email, q.phoneNumber, q.linkedId, q.isPrimary, q.ts)) AS chunk
  FROM (SELECT ${ROW} FROM Contact c ${BY_LINK}
         WHERE c.linkedId = :root AND c.id > :after AND c.deletedAt IS NULL ORDER BY c.id LIMIT :limit) q
 GROUP BY q.id DIV :chunkRows`;

// A new customer, in one autocommit statement. Under REPEATABLE READ the NOT EXISTS probes of an
// INSERT ... SELECT take shared next-key locks on the email and phone index ranges (gap included),
// so a racing insert of the same email or phone blocks or deadlocks; the statement either sees the
// other's row and inserts nothing, or inserts alone.
const INSERT_PRIMARY_IF_ABSENT = `
INSERT INTO Contact (email, phoneNumber, linkedId, linkPrecedence)
SELECT :email, :phone, NULL, 'primary' FROM DUAL
 WHERE NOT EXISTS (SELECT 1 FROM Contact ${BY_EMAIL} WHERE email = :email AND deletedAt IS NULL)
   AND NOT EXISTS (SELECT 1 FROM Contact ${BY_PHONE} WHERE phoneNumber = :phone AND deletedAt IS NULL)`;

// A new detail for one group, in one autocommit statement that re-checks, under shared locks,
// everything the plan was made on: the primary is still a live primary, its secondaries are the
// ones read (count and id sum), and no live row with the email or phone sits in another group.
const INSERT_SECONDARY_IF_UNCHANGED = `
INSERT INTO Contact (email, phoneNumber, linkedId, linkPrecedence)
SELECT :email, :phone, p.id, 'secondary' FROM Contact p
 WHERE p.id = :primaryId AND p.linkPrecedence = 'primary' AND p.linkedId IS NULL AND p.deletedAt IS NULL
   AND (SELECT COUNT(*) FROM Contact s ${BY_LINK} WHERE s.linkedId = :primaryId AND s.deletedAt IS NULL) = :secondaryCount
   AND (SELECT COALESCE(SUM(s.id), 0) FROM Contact s ${BY_LINK} WHERE s.linkedId = :primaryId AND s.deletedAt IS NULL) = :secondaryIdSum
   AND NOT EXISTS (SELECT 1 FROM Contact x ${BY_EMAIL} WHERE x.email = :email AND x.deletedAt IS NULL
                     AND COALESCE(x.linkedId, x.id) <> :primaryId)
   AND NOT EXISTS (SELECT 1 FROM Contact x ${BY_PHONE} WHERE x.phoneNumber = :phone AND x.deletedAt IS NULL
                     AND COALESCE(x.linkedId, x.id) <> :primaryId)`;

const INSERT_CONTACT = `
INSERT INTO Contact (email, phoneNumber, linkedId, linkPrecedence) VALUES (:email, :phone, :linkedId, :linkPrecedence)`;

/** `(:root0, :root1, …)` and its parameters. */
function rootList(roots: readonly number[]): { sql: string | null; params: SqlParams } {
  const params: SqlParams = {};
  for (const [i, root] of roots.entries()) params[`root${i}`] = root;
  return { sql: roots.length === 0 ? null : `(${roots.map((_, i) => `:root${i}`).join(', ')})`, params };
}

// Re-points every live row of the groups `roots` to `:primaryId` in one statement, however many
// rows: the ids come from the two index ranges (the roots by primary key, their secondaries by
// ContactLinkedId), materialised by the UNION, then joined by primary key. Only rows not yet linked
// as they should be match, so the rows it reports are the plan's `relink`. `onlyIf`: a join that
// lets no row through unless a premise holds.
function relinkGroupsSql(rootSet: string, onlyIf = ''): string {
  return `UPDATE Contact c JOIN (
  (SELECT id FROM Contact WHERE id IN ${rootSet} AND deletedAt IS NULL)
  UNION ALL
  (SELECT id FROM Contact ${BY_LINK} WHERE linkedId IN ${rootSet} AND deletedAt IS NULL)
) g ON g.id = c.id${onlyIf}
   SET c.linkPrecedence = IF(c.id = :primaryId, 'primary', 'secondary'),
       c.linkedId = IF(c.id = :primaryId, NULL, :primaryId)
 WHERE NOT (c.linkPrecedence <=> IF(c.id = :primaryId, 'primary', 'secondary') AND c.linkedId <=> IF(c.id = :primaryId, NULL, :primaryId))`;
}

// A merge in one autocommit statement: the same UPDATE, joined to a one-row derived table that is
// empty unless the groups are still exactly the ones read. Its reads are the statement's own, so under
// REPEATABLE READ they take shared next-key locks (as the probes of an INSERT ... SELECT do) on
// every root, each root's ContactLinkedId range, and the email's and phone's ranges: the premises
// hold until the statement commits. `LIMIT 1` keeps the derived table materialised (never merged
// into the UPDATE, where MySQL refuses a subquery on the updated table).
function relinkGroupsIfUnchangedSql(rootSet: string, rootCount: number): string {
  const perRoot = Array.from(
    { length: rootCount },
    (_, i) => `
   AND (SELECT COUNT(*) FROM Contact s ${BY_LINK} WHERE s.linkedId = :root${i} AND s.deletedAt IS NULL) = :secondaryCount${i}
   AND (SELECT COALESCE(SUM(s.id), 0) FROM Contact s ${BY_LINK} WHERE s.linkedId = :root${i} AND s.deletedAt IS NULL) = :secondaryIdSum${i}`,
  ).join('');
  const premises = `
JOIN (SELECT 1 AS unchanged FROM DUAL
 WHERE (SELECT COUNT(*) FROM Contact p WHERE p.id IN ${rootSet} AND p.linkPrecedence = 'primary' AND p.linkedId IS NULL
          AND p.deletedAt IS NULL) = ${rootCount}${perRoot}
   AND NOT EXISTS (SELECT 1 FROM Contact x ${BY_EMAIL} WHERE x.email = :email AND x.deletedAt IS NULL AND COALESCE(x.linkedId, x.id) NOT IN ${rootSet})
   AND NOT EXISTS (SELECT 1 FROM Contact x ${BY_PHONE} WHERE x.phoneNumber = :phone AND x.deletedAt IS NULL AND COALESCE(x.linkedId, x.id) NOT IN ${rootSet})
 LIMIT 1) unchanged ON 1 = 1`;
  return relinkGroupsSql(rootSet, premises);
}

/** A whole read of the groups a request touches: their live rows in the contract's order, and their roots. */
export interface GroupRows {
  rows: ContactRow[];
  roots: number[];
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
    if (first?.complete) return { rows: sortRows(first.rows), roots: first.roots };
    return this.db.transaction(async (tx) => {
      const head = parseHead(await tx.run(SELECT_GROUPS_STATS, { ...keys(request), firstRows: 0 }), 0);
      return { rows: sortRows(await readRest(tx, head, readPackedPage)), roots: head.roots };
    });
  }

  /** Inserts a new primary unless a live row has the email or phone by now. Returns its id, or throws Conflict. */
  async insertPrimaryIfAbsent(request: IdentifyRequest): Promise<number> {
    const result = await this.db.run(INSERT_PRIMARY_IF_ABSENT, keys(request));
    return insertedIdOrConflict(result.affectedRows, result.insertId, 'the email or phone appeared meanwhile');
  }

  /** Inserts a new secondary of `group`'s primary unless the group or the keys changed since it was read. */
  async insertSecondaryIfUnchanged(request: IdentifyRequest, group: readonly ContactRow[], primaryId: number): Promise<number> {
    let secondaryCount = 0;
    let secondaryIdSum = 0;
    for (const row of group) {
      if (row.id === primaryId) continue;
      secondaryCount++;
      secondaryIdSum += row.id;
    }
    const result = await this.db.run(INSERT_SECONDARY_IF_UNCHANGED, { ...keys(request), primaryId, secondaryCount, secondaryIdSum });
    return insertedIdOrConflict(result.affectedRows, result.insertId, 'the group changed meanwhile');
  }

  /**
   * A merge in one autocommit statement: re-points every live row of `known`'s groups to
   * `primaryId` only if, under locks, they are still exactly the groups read (each root a live
   * primary, each root's secondaries the ones read by count and id sum, no live row with the email
   * or phone in another group). `changes`: how many rows the plan re-points. Throws Conflict when
   * the statement changed anything else (nothing, if a premise failed). Only for reads where
   * `rootsAreLivePrimaries` holds; the rest take withLockedGroups.
   */
  async relinkGroupsIfUnchanged(request: IdentifyRequest, known: GroupRows, primaryId: number, changes: number): Promise<void> {
    const roots = rootList(known.roots);
    if (roots.sql === null) throw new Error('a merge needs the roots it merges');
    const params: SqlParams = { ...keys(request), ...roots.params, primaryId };
    for (const [i, root] of known.roots.entries()) {
      const secondaries = known.rows.filter((row) => row.linkedId === root);
      params[`secondaryCount${i}`] = secondaries.length;
      params[`secondaryIdSum${i}`] = secondaries.reduce((sum, row) => sum + row.id, 0);
    }
    const result = await this.db.run(relinkGroupsIfUnchangedSql(roots.sql, known.roots.length), params);
    if (result.affectedRows !== changes) throw new Conflict('the groups changed between the read and the merge');
  }

  /**
   * The transactional path: lock the request's keys and the groups read before, check that those
   * are still all the groups involved, let `decide` plan over the locked rows, carry out the plan,
   * commit. Throws Conflict (after rolling back) when the groups moved between the read and the lock.
   * Whatever `decide` throws rolls the transaction back: nothing is written.
   */
  async withLockedGroups<T>(
    request: IdentifyRequest,
    known: GroupRows,
    decide: (rows: ContactRow[]) => Plan,
    finish: (rows: ContactRow[], plan: Plan, insertedId: number | undefined) => T,
  ): Promise<T> {
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
      const rows = sortRows(await readRest(tx, head, readLockedPage));
      const plan = decide(rows);
      const primaryId = plan.primaryId;
      if (primaryId !== null && plan.relink.length > 0 && roots.sql !== null) {
        await tx.run(relinkGroupsSql(roots.sql), { ...roots.params, primaryId });
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

/** A group head, parsed: its rows so far, and per root how many live secondaries there are and how long their keys are. */
interface GroupHead {
  rows: ReadRow[];
  roots: number[];
  secondaries: Map<number, SecondaryStats>;
  escaped: number;
  complete: boolean;
}

/** `firstRows`: how many secondaries the head asked for. Without stats, fewer than that means all. */
function parseHead(result: SqlResult, firstRows: number): GroupHead {
  const rows: ReadRow[] = [];
  const secondaries: GroupHead['secondaries'] = new Map();
  let escaped = 0;
  let secondaryRows = 0;
  for (const [kind, ...record] of result.rows) {
    if (kind === HEAD.root || kind === HEAD.secondary) {
      rows.push(toContactRow(record));
      if (kind === HEAD.secondary) secondaryRows++;
    } else if (kind === HEAD.stats) {
      const [root, , , count, maxEmail, maxPhone] = record;
      secondaries.set(Number(root), { count: Number(count), maxEmail: Number(maxEmail ?? 0), maxPhone: Number(maxPhone ?? 0) });
    } else {
      escaped += Number(record[0]);
    }
  }
  let total = 0;
  for (const { count } of secondaries.values()) total += count;
  const roots = new Set([...rows.map((row) => row.linkedId ?? row.id), ...secondaries.keys()]);
  const complete = secondaries.size > 0 || secondaryRows === 0 ? secondaryRows >= total : secondaryRows < firstRows;
  return { rows, roots: [...roots], secondaries, escaped, complete };
}

/** Reads the next page of one root's secondaries after `after`, sized for the root's longest keys. */
type PageReader = (tx: SqlExecutor, root: number, after: number, stats: SecondaryStats) => Promise<ReadRow[]>;

type SecondaryStats = { count: number; maxEmail: number; maxPhone: number };

const readLockedPage: PageReader = async (tx, root, after, stats) => {
  const limit = rowsPerPage(ROW_OVERHEAD_BYTES, stats);
  const { rows } = await tx.run(LOCK_SECONDARIES_PAGE, { root, after, limit });
  return rows.map(toContactRow);
};

const readPackedPage: PageReader = async (tx, root, after, stats) => {
  const limit = rowsPerPage(PACKED_OVERHEAD_BYTES + RECORD_WRAPPER_BYTES, stats);
  const chunkRows = Math.max(1, Math.floor(CHUNK_BUDGET_BYTES / rowBytes(PACKED_OVERHEAD_BYTES, stats)));
  const { rows } = await tx.run(SELECT_SECONDARIES_PACKED, { root, after, limit, chunkRows });
  return rows.flatMap(([chunk]) => (JSON.parse(String(chunk)) as SqlValue[][]).map(toContactRow));
};

/**
 * The head's rows and every secondary it did not carry, root by root, in pages by id (keyset on
 * ContactLinkedId), each page as many rows as the root's longest keys allow within PAGE_BUDGET_BYTES.
 * Rows are keyed by id: a row both a root and a secondary (a chain left by hand) counts once.
 */
async function readRest(tx: SqlExecutor, head: GroupHead, readPage: PageReader): Promise<ReadRow[]> {
  const byId = new Map(head.rows.map((row) => [row.id, row]));
  for (const [root, stats] of head.secondaries) {
    const carried = head.rows.filter((row) => row.linkedId === root);
    let read = carried.length;
    let after = carried.reduce((max, row) => Math.max(max, row.id), 0);
    while (read < stats.count) {
      const page = await readPage(tx, root, after, stats);
      if (page.length === 0) break;
      for (const row of page) {
        byId.set(row.id, row);
        after = Math.max(after, row.id);
      }
      read += page.length;
    }
  }
  return [...byId.values()];
}

/** The most bytes one row takes, given the fixed part and the longest keys (null travels as 4 or 15 bytes). */
function rowBytes(overhead: number, stats: Pick<SecondaryStats, 'maxEmail' | 'maxPhone'>): number {
  return overhead + Math.max(stats.maxEmail, 4) + Math.max(stats.maxPhone, 4);
}

/** How many rows fit in a page within PAGE_BUDGET_BYTES. */
function rowsPerPage(overhead: number, stats: Pick<SecondaryStats, 'maxEmail' | 'maxPhone'>): number {
  return Math.max(1, Math.floor(PAGE_BUDGET_BYTES / rowBytes(overhead, stats)));
}

/** The longest `key` among `rows`, quoted twice as JSON (as the stats of a head measure it). */
function quotedTwiceBytes(rows: readonly ContactRow[], key: 'email' | 'phoneNumber'): number {
  let max = 0;
  for (const row of rows) {
    const value = row[key];
    if (value !== null) max = Math.max(max, Buffer.byteLength(JSON.stringify(JSON.stringify(value))));
  }
  return max;
}

/** The contract's order: createdAt, then id. */
function sortRows(rows: ReadRow[]): ReadRow[] {
  return rows.sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
}

// The locked head was sized from the first read's rows; longer ones can only be rows added since:
// the groups changed, so read again (the next read sizes the head from them).
function longerRowsMeanChange(error: unknown): never {
  if (isResponseTooLarge(error)) throw new Conflict('rows longer than the first read saw joined the groups');
  throw error;
}

function isResponseTooLarge(error: unknown): boolean {
  return error instanceof Error && error.name === 'BadRequestException' && /response exceeded size limit/i.test(error.message);
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

/** A row as read: a ContactRow, with its creation time (epoch seconds) to put it in order. */
interface ReadRow extends ContactRow {
  createdAt: number;
}

function toContactRow(record: SqlValue[]): ReadRow {
  const [id, email, phoneNumber, linkedId, isPrimary, createdAt] = record;
  return {
    id: Number(id),
    email: email === null ? null : String(email),
    phoneNumber: phoneNumber === null ? null : String(phoneNumber),
    linkedId: linkedId === null || linkedId === undefined ? null : Number(linkedId),
    linkPrecedence: isPrimary === true || Number(isPrimary) === 1 ? 'primary' : 'secondary',
    createdAt: Number(createdAt),
  };
}
