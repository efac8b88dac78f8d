import type { SqlParams } from './sql-executor.js';

/**
 * All the SQL of the contact store, as text and as builders of text; every statement uses bound
 * parameters. docs/CONCURRENCY.md says which rows and gaps each statement locks and why the whole is
 * serializable. contact-repository.ts runs them.
 */

// Every read of Contact by email, phone or linkedId names its index (FORCE INDEX, the same on MySQL
// and MariaDB), so that its rows and locks are that key's range whatever the statistics say: where
// one group is most of the table, MySQL 8+ joins a table scan by hash and walks the primary key for
// `ORDER BY id LIMIT n`, and MariaDB scans the table for a locked head (lib/service/read-cost.int.test.ts;
// docs/CONCURRENCY.md, "Engines").
const BY_EMAIL = 'FORCE INDEX (ContactEmail)';
const BY_PHONE = 'FORCE INDEX (ContactPhoneNumber)';
const BY_LINK = 'FORCE INDEX (ContactLinkedId)';

// A contact row as every read returns it: `isPrimary` (0/1) and the creation time in epoch seconds
// instead of the ENUM and TIMESTAMP strings, about 30% fewer bytes per row. The contract's order
// (createdAt, then id) is restored in JavaScript (sortRows), so pages can follow the indexes.
// A stored blocked value (BlockedValue, by the SHA-256 of the normalised value) is treated as absent:
// every read answers it as NULL, so no answer ever holds one, though the row keeps it (blocking does
// not rewrite rows; /erase and /unlink reach them).
const ROW = `c.id, ${unlessBlocked('email', 'c.email')} AS email, ${unlessBlocked('phone', 'c.phoneNumber')} AS phoneNumber,
  c.linkedId, c.linkPrecedence = 'primary' AS isPrimary, UNIX_TIMESTAMP(c.createdAt) AS ts`;

/** `value`, or NULL when it is a stored blocked value of `kind`. */
function unlessBlocked(kind: 'email' | 'phone', value: string): string {
  return `IF(${value} IS NOT NULL AND ${isBlocked(kind, value)}, NULL, ${value})`;
}

/** Whether `value` (an expression) is a stored blocked value of `kind`: one primary-key probe. */
function isBlocked(kind: 'email' | 'phone', value: string, lock = ''): string {
  return `EXISTS (SELECT 1 FROM BlockedValue b WHERE b.kind = '${kind}' AND b.valueHash = UNHEX(SHA2(${value}, 256))${lock})`;
}

/** What each row of a group head is (its first column). */
export const HEAD = { root: 0, secondary: 1, stats: 2, escaped: 3, blocked: 4, blockedVersion: 5 } as const;

/**
 * The roots of every group the email or the phone touches. Each branch keeps to one index. With
 * `exceptBlocked`, a key that is a stored blocked value matches nothing (/identify, /lookup); without,
 * it reaches every row that holds it (/erase).
 */
function rootsCte(exceptBlocked: boolean): string {
  const unless = (kind: 'email' | 'phone', param: string) => (exceptBlocked ? ` AND NOT ${isBlocked(kind, param)}` : '');
  return `
WITH roots AS (
  SELECT COALESCE(linkedId, id) AS id FROM Contact ${BY_EMAIL} WHERE email = :email AND deletedAt IS NULL${unless('email', ':email')}
  UNION
  SELECT COALESCE(linkedId, id) AS id FROM Contact ${BY_PHONE} WHERE phoneNumber = :phone AND deletedAt IS NULL${unless('phone', ':phone')}
)`;
}

const ROOTS_CTE = rootsCte(true);

/**
 * The head rows that tell the request's blocked state: the version of the stored blocked values
 * (shared-locked on the locked path, so a /block or /unblock waits for the write), and one row per key
 * that is a stored blocked value (email: 1, phone: 0), locked with `lock`.
 */
function blockedStateSql(lock: string): string[] {
  const version = `(SELECT ${HEAD.blockedVersion}, v.version, NULL, NULL, NULL, NULL, NULL FROM BlockedValueVersion v WHERE v.id = 1${lock ? ' LOCK IN SHARE MODE' : ''})`;
  const keys = (
    [
      ['email', ':email', 1],
      ['phone', ':phone', 0],
    ] as const
  ).map(
    ([kind, param, flag]) => `(SELECT ${HEAD.blocked}, ${flag}, NULL, NULL, NULL, NULL, NULL FROM BlockedValue b
      WHERE b.kind = '${kind}' AND b.valueHash = UNHEX(SHA2(${param}, 256))${lock})`,
  );
  return [version, ...keys];
}

/**
 * The head of the groups whose roots are `rootSet`, in one statement (one snapshot, or with `lock`
 * one locking read): the live root rows; the first `:firstRows` live secondaries by id; with
 * `stats`, one row per root with live secondaries (columns reused: id = the root, linkedId = how
 * many, isPrimary and ts = the longest email and phone quoted twice as JSON, i.e. as they travel
 * inside a JSON string of the Data API's JSON, for sizing pages); and, with `escapes`, per key how
 * many live rows with it hang off a root outside `rootSet`; and (unless `blocked` is false) which of
 * the request's keys are stored blocked values.
 */
export function groupHeadSql(rootSet: string | null, lock: '' | ' FOR UPDATE', parts: { stats: boolean; escapes: boolean; blocked?: boolean }): string {
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
  if (parts.blocked !== false) branches.push(...blockedStateSql(lock));
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
export const SELECT_GROUPS_FIRST = `${ROOTS_CTE}\n${groupHeadSql(ROOTS, '', { stats: false, escapes: false })}`;

/** The head of a paged read, inside its transaction: roots and per-root stats, no secondaries yet. */
export const SELECT_GROUPS_STATS = `${ROOTS_CTE}\n${groupHeadSql(ROOTS, '', { stats: true, escapes: false })}`;

/** The next live secondaries of one root after `:after`, by id (ContactLinkedId holds (linkedId, id): a range scan), locked. */
export const LOCK_SECONDARIES_PAGE = `SELECT ${ROW} FROM Contact c ${BY_LINK}
 WHERE c.linkedId = :root AND c.id > :after AND c.deletedAt IS NULL ORDER BY c.id LIMIT :limit FOR UPDATE`;

/**
 * The same page for a plain read, packed: rows whose ids share a block of `:chunkRows` go into one
 * JSON array (so at most that many rows: ids are unique), one array per result row. One string per
 * chunk instead of six fields per row is half the bytes and a fraction of the parsing. (JSON_ARRAYAGG
 * has no ORDER BY on MySQL: rows are put in order in JavaScript.)
 */
export const SELECT_SECONDARIES_PACKED = `
SELECT JSON_ARRAYAGG(JSON_ARRAY(q.id, q.email, q.phoneNumber, q.linkedId, q.isPrimary, q.ts)) AS chunk
  FROM (SELECT ${ROW} FROM Contact c ${BY_LINK}
         WHERE c.linkedId = :root AND c.id > :after AND c.deletedAt IS NULL ORDER BY c.id LIMIT :limit) q
 GROUP BY q.id DIV :chunkRows`;

// Neither key is a stored blocked value, re-checked inside each conditional write: its probes lock the
// keys' places in BlockedValue's primary key, so a /block racing with the write waits for it, or the
// write finds the value blocked and writes nothing (a Conflict: the next read treats it as absent).
// The same the other way: a key the read found blocked (and the plan left out, :droppedEmail and
// :droppedPhone) must still be blocked, so an /unblock racing with the write waits for it, or the
// write writes nothing and the next read matches the value.
const NOT_BLOCKED = `
   AND NOT ${isBlocked('email', ':email')}
   AND NOT ${isBlocked('phone', ':phone')}
   AND (:droppedEmail IS NULL OR ${isBlocked('email', ':droppedEmail')})
   AND (:droppedPhone IS NULL OR ${isBlocked('phone', ':droppedPhone')})`;

// The stored blocked values are as the read saw them (their version), re-checked inside each write whose
// answer shows the group's other values: a /block or /unblock racing with the write waits for it (the
// probe's shared lock), or the write writes nothing (a Conflict) and the next read sees the new state.
const SAME_BLOCKED_VERSION = `
   AND (:blockedVersion IS NULL OR (SELECT v.version FROM BlockedValueVersion v WHERE v.id = 1) = :blockedVersion)`;

/** Bumps the version of the stored blocked values: every change of them runs it in its transaction. */
export const BUMP_BLOCKED_VERSION = 'UPDATE BlockedValueVersion SET version = version + 1 WHERE id = 1';

// Each key the read found on a live row is still on one, re-checked inside each conditional write that
// links to it: an /unlink takes a value out of rows without changing any link, so the groups' roots,
// counts and id sums alone would not show that the key no longer holds them (the probes share the
// locks of the NOT EXISTS probes on the same index ranges). :emailHeld, :phoneHeld: 1 when the read found it.
const STILL_HELD = `
   AND (:emailHeld = 0 OR EXISTS (SELECT 1 FROM Contact h ${BY_EMAIL} WHERE h.email = :email AND h.deletedAt IS NULL))
   AND (:phoneHeld = 0 OR EXISTS (SELECT 1 FROM Contact h ${BY_PHONE} WHERE h.phoneNumber = :phone AND h.deletedAt IS NULL))`;

// A new customer, in one autocommit statement. Under REPEATABLE READ the NOT EXISTS probes of an
// INSERT ... SELECT take shared next-key locks on the email and phone index ranges (gap included),
// so a racing insert of the same email or phone blocks or deadlocks; the statement either sees the
// other's row and inserts nothing, or inserts alone.
export const INSERT_PRIMARY_IF_ABSENT = `
INSERT INTO Contact (email, phoneNumber, linkedId, linkPrecedence)
SELECT :email, :phone, NULL, 'primary' FROM DUAL
 WHERE NOT EXISTS (SELECT 1 FROM Contact ${BY_EMAIL} WHERE email = :email AND deletedAt IS NULL)
   AND NOT EXISTS (SELECT 1 FROM Contact ${BY_PHONE} WHERE phoneNumber = :phone AND deletedAt IS NULL)${NOT_BLOCKED}`;

// A new detail for one group, in one autocommit statement that re-checks, under shared locks,
// everything the plan was made on: the primary is still a live primary, its secondaries are the
// ones read (count and id sum), and no live row with the email or phone sits in another group.
export const INSERT_SECONDARY_IF_UNCHANGED = `
INSERT INTO Contact (email, phoneNumber, linkedId, linkPrecedence)
SELECT :email, :phone, p.id, 'secondary' FROM Contact p
 WHERE p.id = :primaryId AND p.linkPrecedence = 'primary' AND p.linkedId IS NULL AND p.deletedAt IS NULL
   AND (SELECT COUNT(*) FROM Contact s ${BY_LINK} WHERE s.linkedId = :primaryId AND s.deletedAt IS NULL) = :secondaryCount
   AND (SELECT COALESCE(SUM(s.id), 0) FROM Contact s ${BY_LINK} WHERE s.linkedId = :primaryId AND s.deletedAt IS NULL) = :secondaryIdSum
   AND NOT EXISTS (SELECT 1 FROM Contact x ${BY_EMAIL} WHERE x.email = :email AND x.deletedAt IS NULL
                     AND COALESCE(x.linkedId, x.id) <> :primaryId)
   AND NOT EXISTS (SELECT 1 FROM Contact x ${BY_PHONE} WHERE x.phoneNumber = :phone AND x.deletedAt IS NULL
                     AND COALESCE(x.linkedId, x.id) <> :primaryId)${NOT_BLOCKED}${STILL_HELD}${SAME_BLOCKED_VERSION}`;

export const INSERT_CONTACT = `
INSERT INTO Contact (email, phoneNumber, linkedId, linkPrecedence) VALUES (:email, :phone, :linkedId, :linkPrecedence)`;

/** A request's keys as the statements' :email and :phone; `dropped`: the keys its read found blocked (:droppedEmail, :droppedPhone). */
export function keyParams(
  request: { email: string | null; phoneNumber: string | null },
  dropped?: { email: string | null; phoneNumber: string | null },
): SqlParams {
  return { email: request.email, phone: request.phoneNumber, droppedEmail: dropped?.email ?? null, droppedPhone: dropped?.phoneNumber ?? null };
}

/** How many of the dropped keys are still stored blocked values, locked (the transactional path's re-check of them). */
export const LOCK_DROPPED_KEYS = `SELECT COUNT(*) FROM BlockedValue b
 WHERE (b.kind = 'email' AND b.valueHash = UNHEX(SHA2(:droppedEmail, 256))) OR (b.kind = 'phone' AND b.valueHash = UNHEX(SHA2(:droppedPhone, 256)))
   FOR UPDATE`;

/** `(:root0, :root1, …)` and its parameters. */
export function rootList(roots: readonly number[]): { sql: string | null; params: SqlParams } {
  const params: SqlParams = {};
  for (const [i, root] of roots.entries()) params[`root${i}`] = root;
  return { sql: roots.length === 0 ? null : `(${roots.map((_, i) => `:root${i}`).join(', ')})`, params };
}

// Re-points every live row of the groups `roots` to `:primaryId` in one statement, however many
// rows: the ids come from the two index ranges (the roots by primary key, their secondaries by
// ContactLinkedId), materialised by the UNION, then joined by primary key. Only rows not yet linked
// as they should be match, so the rows it reports are the plan's `relink`. `onlyIf`: a join that
// lets no row through unless a premise holds.
export function relinkGroupsSql(rootSet: string, onlyIf = ''): string {
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
export function relinkGroupsIfUnchangedSql(rootSet: string, rootCount: number): string {
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
   AND NOT EXISTS (SELECT 1 FROM Contact x ${BY_PHONE} WHERE x.phoneNumber = :phone AND x.deletedAt IS NULL AND COALESCE(x.linkedId, x.id) NOT IN ${rootSet})${NOT_BLOCKED}${STILL_HELD}${SAME_BLOCKED_VERSION}
 LIMIT 1) unchanged ON 1 = 1`;
  return relinkGroupsSql(rootSet, premises);
}

// --- Erasure, stored blocked values and audit records (POST /erase, /block, /unblock) ---

/** The first read of an erasure: the roots of every group with a live row holding the email or the phone, blocked or not. */
export const SELECT_ERASE_ROOTS = `${rootsCte(false)}\nSELECT id FROM roots`;

/** The locked head of an erasure: the groups' live roots, every secondary locked by its count, and rows with a key outside them. */
export function lockGroupsToEraseSql(rootSet: string | null): string {
  return groupHeadSql(rootSet, ' FOR UPDATE', { stats: true, escapes: true, blocked: false });
}

/** The hashes of `columns`' values of the rows in `rows` (a derived-table body), as BlockedValue rows. */
const hashesOf = (rows: string) =>
  `SELECT 'email' AS kind, UNHEX(SHA2(x.email, 256)) AS valueHash FROM (${rows}) g JOIN Contact x ON x.id = g.id WHERE x.email IS NOT NULL
   UNION SELECT 'phone', UNHEX(SHA2(x.phoneNumber, 256)) FROM (${rows}) g JOIN Contact x ON x.id = g.id WHERE x.phoneNumber IS NOT NULL`;

/** Every live row of the groups `rootSet`, by primary key and by ContactLinkedId. */
const liveRowsOf = (rootSet: string) => `
  (SELECT id FROM Contact WHERE id IN ${rootSet} AND deletedAt IS NULL)
  UNION ALL
  (SELECT id FROM Contact ${BY_LINK} WHERE linkedId IN ${rootSet} AND deletedAt IS NULL)`;

/** The request's own keys as BlockedValue rows (none for a NULL key). */
const KEY_HASHES = `SELECT 'email' AS kind, UNHEX(SHA2(:email, 256)) AS valueHash FROM DUAL WHERE :email IS NOT NULL
   UNION ALL SELECT 'phone', UNHEX(SHA2(:phone, 256)) FROM DUAL WHERE :phone IS NOT NULL`;

/** Blocks the request's keys; the rows it reports are the values newly blocked (a value blocked already is left as it is). */
export const BLOCK_KEYS = `INSERT IGNORE INTO BlockedValue (kind, valueHash) ${KEY_HASHES}`;

/** Unblocks the request's keys; the rows it reports are the values that were blocked. */
export const UNBLOCK_KEYS = `DELETE FROM BlockedValue
 WHERE (kind = 'email' AND valueHash = UNHEX(SHA2(:email, 256))) OR (kind = 'phone' AND valueHash = UNHEX(SHA2(:phone, 256)))`;

/** With "suppress": every email and phone of the groups `rootSet`, and the request's own keys, become stored blocked values. */
export function suppressGroupsSql(rootSet: string | null): string {
  const groupHashes = rootSet === null ? '' : `${hashesOf(liveRowsOf(rootSet))}\n   UNION `;
  return `INSERT IGNORE INTO BlockedValue (kind, valueHash)\n   ${groupHashes}${KEY_HASHES}`;
}

/**
 * The erasure: every live row of the groups `rootSet` loses its email and phone and becomes a
 * tombstone (deletedAt set; its id and link stay, as other systems may hold them), and a row already
 * deleted that still holds the email or the phone loses them too, so no erased value stays in clear.
 */
export function eraseGroupsSql(rootSet: string | null): string {
  const groups = rootSet === null ? '' : `${liveRowsOf(rootSet)}\n  UNION ALL`;
  return `UPDATE Contact c JOIN (${groups}
  (SELECT id FROM Contact ${BY_EMAIL} WHERE email = :email)
  UNION ALL
  (SELECT id FROM Contact ${BY_PHONE} WHERE phoneNumber = :phone)
) g ON g.id = c.id
   SET c.email = NULL, c.phoneNumber = NULL, c.deletedAt = COALESCE(c.deletedAt, CURRENT_TIMESTAMP)`;
}

/** An audit record: never an email or a phone, only the route, the caller, the request id and the answer's counts and ids. */
export const INSERT_AUDIT_RECORD = `INSERT INTO AuditRecord (route, caller, requestId, answer) VALUES (:route, :caller, :requestId, :answer)`;

// --- Recorded pairings (lib/store/migrations/sql/004_create_contact_pairing.sql) ---

/** A merge's (email, phone) pair, by hashes; a pair recorded before is left as it is; nothing unless both keys are given. */
export const RECORD_PAIRING = `INSERT IGNORE INTO ContactPairing (emailHash, phoneHash)
SELECT UNHEX(SHA2(:email, 256)), UNHEX(SHA2(:phone, 256)) FROM DUAL WHERE :email IS NOT NULL AND :phone IS NOT NULL`;

/** The pairings whose email or phone is among `hashes` (a derived-table body of kind, valueHash), each side by its own index. */
function deletePairingsSql(hashes: string): string {
  return `DELETE p FROM ContactPairing p JOIN (
  SELECT q.id FROM (${hashes}) h JOIN ContactPairing q FORCE INDEX (ContactPairingEmail) ON h.kind = 'email' AND q.emailHash = h.valueHash
  UNION
  SELECT q.id FROM (${hashes}) h JOIN ContactPairing q FORCE INDEX (ContactPairingPhone) ON h.kind = 'phone' AND q.phoneHash = h.valueHash
) d ON d.id = p.id`;
}

/** With an erasure: every pairing holding a value of the groups `rootSet` or one of the request's keys. */
export function deleteGroupPairingsSql(rootSet: string | null): string {
  const groupHashes = rootSet === null ? '' : `${hashesOf(liveRowsOf(rootSet))}\n   UNION `;
  return deletePairingsSql(`${groupHashes}${KEY_HASHES}`);
}

// --- POST /unlink ---

/** The column that holds an unlinked value of `kind`, and the other one. */
const UNLINK_COLUMNS = { email: ['email', 'phoneNumber'], phone: ['phoneNumber', 'email'] } as const;

/**
 * A row of a group being split, as ROW, and two flags: whether it holds the value (:email or :phone,
 * the other NULL; blocked or not) and whether it keeps a value once that is gone.
 */
function unlinkRow(kind: 'email' | 'phone'): string {
  const [column, other] = UNLINK_COLUMNS[kind];
  return `${ROW}, c.${column} <=> :${kind} AS held, c.${other} IS NOT NULL AS keeps`;
}

/** The live roots of the groups `rootSet`, with the flags of unlinkRow (the groups are locked already). */
export function unlinkRootsSql(kind: 'email' | 'phone', rootSet: string): string {
  return `SELECT ${unlinkRow(kind)} FROM Contact c WHERE c.id IN ${rootSet} AND c.deletedAt IS NULL`;
}

/** The next live secondaries of one root after `:after`, by id, with the flags of unlinkRow. */
export function unlinkSecondariesPageSql(kind: 'email' | 'phone'): string {
  return `SELECT ${unlinkRow(kind)} FROM Contact c ${BY_LINK}
 WHERE c.linkedId = :root AND c.id > :after AND c.deletedAt IS NULL ORDER BY c.id LIMIT :limit`;
}

/**
 * The recorded pairings whose email is one of the groups' `rootSet` live rows' (a pairing can only
 * hold two rows of a group together if both its values are on them), after `:after`, by id, as hex.
 */
export function unlinkPairingsPageSql(rootSet: string): string {
  return `SELECT DISTINCT p.id, LOWER(HEX(p.emailHash)) AS emailHash, LOWER(HEX(p.phoneHash)) AS phoneHash
  FROM (${liveRowsOf(rootSet)}) g JOIN Contact x ON x.id = g.id
  JOIN ContactPairing p FORCE INDEX (ContactPairingEmail) ON p.emailHash = UNHEX(SHA2(x.email, 256))
 WHERE x.email IS NOT NULL AND p.id > :after ORDER BY p.id LIMIT :limit`;
}

/** Every live row holding the value loses it; a row left with neither an email nor a phone is deleted. */
export function unlinkValueSql(kind: 'email' | 'phone'): string {
  const [column, other] = UNLINK_COLUMNS[kind];
  const index = kind === 'email' ? BY_EMAIL : BY_PHONE;
  return `UPDATE Contact c ${index}
   SET c.deletedAt = IF(c.${other} IS NULL, CURRENT_TIMESTAMP, NULL), c.${column} = NULL
 WHERE c.${column} = :${kind} AND c.deletedAt IS NULL`;
}

/**
 * New links for the rows of `:links`, a JSON array of [id, linkedId, 0 for a primary] (0, not JSON
 * null, which the engines' JSON_TABLE have not always read as NULL alike): set-based, one statement per chunk.
 */
export const RELINK_FROM_JSON = `UPDATE Contact c
  JOIN JSON_TABLE(:links, '$[*]' COLUMNS (id INT PATH '$[0]', linkedId INT PATH '$[1]')) m ON m.id = c.id
   SET c.linkedId = NULLIF(m.linkedId, 0), c.linkPrecedence = IF(m.linkedId = 0, 'primary', 'secondary')`;

/** Every recorded pairing that holds the request's email or phone. */
export const DELETE_KEY_PAIRINGS = deletePairingsSql(KEY_HASHES);
