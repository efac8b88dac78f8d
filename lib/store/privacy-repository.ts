import type { IdentifyRequest } from '../contacts/model.js';
import { Conflict } from '../errors.js';
import { parseHead } from './contact-rows.js';
import {
  BLOCK_KEYS,
  deleteGroupPairingsSql,
  eraseGroupsSql,
  INSERT_AUDIT_RECORD,
  keyParams,
  lockGroupsToEraseSql,
  rootList,
  SELECT_ERASE_ROOTS,
  suppressGroupsSql,
  UNBLOCK_KEYS,
} from './contact-sql.js';
import type { SqlExecutor } from './sql-executor.js';

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

/**
 * The writes of the privacy routes (/erase, /block, /unblock), each one transaction with its audit
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
    const roots = rootList(known);
    const params = { ...keyParams(request), ...roots.params, firstRows: 0 };
    return this.db.transaction(async (tx) => {
      const head = parseHead(await tx.run(lockGroupsToEraseSql(roots.sql), params), 0);
      const locked = new Set(known);
      if (head.escaped > 0 || head.roots.some((root) => !locked.has(root))) throw new Conflict('a group holding the values changed before the lock');
      let contacts = head.rows.length;
      for (const { count } of head.secondaries.values()) contacts += count;
      if (suppress) await tx.run(suppressGroupsSql(roots.sql), params);
      // Pairings first: they are found by the values the erasure clears.
      await tx.run(deleteGroupPairingsSql(roots.sql), params);
      await tx.run(eraseGroupsSql(roots.sql), params);
      const erased = { contacts, primaryContactIds: [...head.roots].sort((a, b) => a - b) };
      await tx.run(INSERT_AUDIT_RECORD, auditParams('erase', audit, { erased }));
      return erased;
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
      await tx.run(INSERT_AUDIT_RECORD, auditParams(route, audit, { [answerKey]: affectedRows }));
      return affectedRows;
    });
  }
}

function auditParams(route: string, audit: AuditContext, answer: object) {
  return { route, caller: audit.caller, requestId: audit.requestId, answer: JSON.stringify(answer) };
}
