import type { IdentifyRequest } from '../contacts/model.js';
import { type Pairing, type SplitRow, split } from '../contacts/split.js';
import { Conflict } from '../errors.js';
import { type GroupHead, parseHead, toContactRow } from './contact-rows.js';
import {
  BLOCK_KEYS,
  BUMP_BLOCKED_VERSION,
  DELETE_KEY_PAIRINGS,
  deleteGroupPairingsSql,
  eraseGroupsSql,
  INSERT_AUDIT_RECORD,
  keyParams,
  lockGroupsToEraseSql,
  RELINK_FROM_JSON,
  rootList,
  SELECT_ERASE_ROOTS,
  suppressGroupsSql,
  UNBLOCK_KEYS,
  unlinkPairingsPageSql,
  unlinkRootsSql,
  unlinkSecondariesPageSql,
  unlinkValueSql,
} from './contact-sql.js';
import { ROW_OVERHEAD_BYTES, rowsPerPage } from './page-budget.js';
import type { SqlExecutor, SqlParams, SqlValue } from './sql-executor.js';

/** Who asked, as the audit record keeps it: the caller as the logs name it, the Lambda request id. */
export interface AuditContext {
  caller: string | null;
  requestId: string | null;
}

/** POST /erase's answer. */
export interface Erased {
  contacts: number;
  primaryContactIds: number[];
}

/** POST /unlink's answer. */
export interface Unlinked {
  contacts: number;
  primaryContactIds: number[];
}

/** POST /unlink's request: exactly one value, normalised. */
export type UnlinkRequest = { email: string; phoneNumber: null } | { email: null; phoneNumber: string };

// Each request of /unlink's new links stays far below the Data API's 4 MiB: an entry is at most
// `[2147483647,2147483647],` (24 bytes), so 100,000 entries are 2.4 MB; 40,000 are under 1 MB.
const RELINKS_PER_STATEMENT = 40_000;
// A pairing page: three values, two of them 64 hex characters, well within 1 MiB at 4,000 a page.
const PAIRINGS_PER_PAGE = 4_000;
// The two flags (held, keeps) add two small fields to each row of a page.
const UNLINK_FLAGS_BYTES = 48;

/**
 * The writes of the privacy routes (/erase, /unlink, /block, /unblock), each one transaction with its audit
 * record: the record commits with the change, or neither does.
 */
export class PrivacyRepository {
  constructor(private readonly db: SqlExecutor) {}

  /** The roots of every group with a live row holding the email or the phone, blocked or not, as of now (no lock). */
  async eraseRoots(request: IdentifyRequest): Promise<number[]> {
    const { rows } = await this.db.run(SELECT_ERASE_ROOTS, keyParams(request));
    return rows.map(([id]) => Number(id));
  }

  /**
   * Erases the groups `known` (read before) as one transaction: locks their rows and the keys' index
   * ranges, checks that no live row with a key lies outside them (else Conflict: read again), with
   * `suppress` blocks every value of the groups and the keys, erases, records the audit, commits.
   */
  async erase(request: IdentifyRequest, known: readonly number[], suppress: boolean, audit: AuditContext): Promise<Erased> {
    return this.withLockedGroups(request, known, async (tx, head, roots, params) => {
      let contacts = head.rows.length;
      for (const { count } of head.secondaries.values()) contacts += count;
      if (suppress) {
        await tx.run(suppressGroupsSql(roots.sql), params);
        await tx.run(BUMP_BLOCKED_VERSION);
      }
      // Pairings first: they are found by the values the erasure clears.
      await tx.run(deleteGroupPairingsSql(roots.sql), params);
      await tx.run(eraseGroupsSql(roots.sql), params);
      const erased = { contacts, primaryContactIds: [...head.roots].sort((a, b) => a - b) };
      await tx.run(INSERT_AUDIT_RECORD, auditParams('erase', audit, { erased }));
      return erased;
    });
  }

  /**
   * Unlinks the value from the groups `known` (read before) as one transaction: locks the groups and
   * the value's index range (as an erasure does; a row with the value outside them: Conflict), reads
   * their live rows in pages and the pairings that touch them, takes the value out of every row
   * (a row left empty is deleted), regroups what remains (lib/contacts/split.ts), writes the new
   * links set-based in chunks, deletes the pairings holding the value, with `block` blocks it,
   * records the audit, commits.
   */
  async unlink(request: UnlinkRequest, known: readonly number[], block: boolean, audit: AuditContext): Promise<Unlinked> {
    const kind = request.email !== null ? 'email' : 'phone';
    return this.withLockedGroups(request, known, async (tx, head, roots, params) => {
      let unlinked: Unlinked = { contacts: 0, primaryContactIds: [] };
      if (roots.sql !== null) {
        // Only the groups that hold the value now are recomputed (one read before the lock may have lost it since).
        const read = await readSplitRows(tx, kind, roots.sql, head, params);
        const holding = new Set(read.filter((row) => row.held).map((row) => row.linkedId ?? row.id));
        const rows = read.filter((row) => holding.has(row.linkedId ?? row.id));
        const pairings = await readPairings(tx, roots.sql, roots.params);
        const { relink, changed, primaryContactIds } = split(rows, pairings);
        const held = rows.filter((row) => row.held).length;
        const { affectedRows } = await tx.run(unlinkValueSql(kind), keyParams(request));
        if (affectedRows !== held) throw new Conflict('the rows holding the value changed under the lock');
        for (let i = 0; i < relink.length; i += RELINKS_PER_STATEMENT) {
          const chunk = relink.slice(i, i + RELINKS_PER_STATEMENT).map(([id, linkedId]) => [id, linkedId ?? 0]);
          await tx.run(RELINK_FROM_JSON, { links: JSON.stringify(chunk) });
        }
        unlinked = { contacts: changed, primaryContactIds };
      }
      await tx.run(DELETE_KEY_PAIRINGS, keyParams(request));
      if (block) {
        await tx.run(BLOCK_KEYS, keyParams(request));
        await tx.run(BUMP_BLOCKED_VERSION);
      }
      await tx.run(INSERT_AUDIT_RECORD, auditParams('unlink', audit, { unlinked }));
      return unlinked;
    });
  }

  /**
   * One transaction over the groups `known` (read before): locks their rows and the keys' index
   * ranges, checks that no live row with a key lies outside them (else Conflict: read again), then `work`.
   */
  private withLockedGroups<T>(
    request: IdentifyRequest,
    known: readonly number[],
    work: (tx: SqlExecutor, head: GroupHead, roots: ReturnType<typeof rootList>, params: SqlParams) => Promise<T>,
  ): Promise<T> {
    const roots = rootList(known);
    const params = { ...keyParams(request), ...roots.params, firstRows: 0 };
    return this.db.transaction(async (tx) => {
      const head = parseHead(await tx.run(lockGroupsToEraseSql(roots.sql), params), 0);
      const locked = new Set(known);
      if (head.escaped > 0 || head.roots.some((root) => !locked.has(root))) throw new Conflict('a group holding the values changed before the lock');
      return work(tx, head, roots, params);
    });
  }

  /** Blocks the keys; how many were not blocked before. */
  block(request: IdentifyRequest, audit: AuditContext): Promise<number> {
    return this.changeBlocked(BLOCK_KEYS, 'block', 'blocked', request, audit);
  }

  /** Unblocks the keys; how many were blocked. */
  unblock(request: IdentifyRequest, audit: AuditContext): Promise<number> {
    return this.changeBlocked(UNBLOCK_KEYS, 'unblock', 'unblocked', request, audit);
  }

  private changeBlocked(sql: string, route: string, answerKey: string, request: IdentifyRequest, audit: AuditContext): Promise<number> {
    return this.db.transaction(async (tx) => {
      const { affectedRows } = await tx.run(sql, keyParams(request));
      if (affectedRows > 0) await tx.run(BUMP_BLOCKED_VERSION);
      await tx.run(INSERT_AUDIT_RECORD, auditParams(route, audit, { [answerKey]: affectedRows }));
      return affectedRows;
    });
  }
}

function auditParams(route: string, audit: AuditContext, answer: object) {
  return { route, caller: audit.caller, requestId: audit.requestId, answer: JSON.stringify(answer) };
}

/** Every live row of the locked groups, with whether it held the value and whether it is left empty. */
async function readSplitRows(tx: SqlExecutor, kind: 'email' | 'phone', rootSet: string, head: GroupHead, params: SqlParams): Promise<SplitRow[]> {
  const rows: SplitRow[] = (await tx.run(unlinkRootsSql(kind, rootSet), params)).rows.map((record) => toSplitRow(kind, record));
  const pageSql = unlinkSecondariesPageSql(kind);
  for (const [root, stats] of head.secondaries) {
    const limit = rowsPerPage(ROW_OVERHEAD_BYTES + UNLINK_FLAGS_BYTES, stats);
    let read = 0;
    let after = 0;
    while (read < stats.count) {
      const page = (await tx.run(pageSql, { [kind]: params[kind] ?? null, root, after, limit })).rows;
      if (page.length === 0) break;
      for (const record of page) rows.push(toSplitRow(kind, record));
      after = Number(page[page.length - 1]![0]);
      read += page.length;
    }
  }
  // A row both a root and a secondary (a chain left by hand) counts once.
  return [...new Map(rows.map((row) => [row.id, row])).values()];
}

/** A row as read, the value taken out of it. */
function toSplitRow(kind: 'email' | 'phone', record: SqlValue[]): SplitRow {
  const flag = (value: SqlValue | undefined) => value === true || Number(value) === 1;
  const held = flag(record[6]);
  const row = { ...toContactRow(record), held, deleted: held && !flag(record[7]) };
  if (held) row[kind === 'email' ? 'email' : 'phoneNumber'] = null;
  return row;
}

/** The recorded pairings whose email is on a live row of the groups, in pages by id. */
async function readPairings(tx: SqlExecutor, rootSet: string, rootParams: SqlParams): Promise<Pairing[]> {
  const pairings: Pairing[] = [];
  const sql = unlinkPairingsPageSql(rootSet);
  for (let after = 0; ; ) {
    const { rows } = await tx.run(sql, { ...rootParams, after, limit: PAIRINGS_PER_PAGE });
    for (const [, emailHash, phoneHash] of rows) pairings.push({ emailHash: String(emailHash), phoneHash: String(phoneHash) });
    if (rows.length < PAIRINGS_PER_PAGE) return pairings;
    after = Number(rows[rows.length - 1]![0]);
  }
}
