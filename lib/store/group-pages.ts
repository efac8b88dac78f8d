import { type GroupHead, type ReadRow, type SecondaryStats, toContactRow } from './contact-rows.js';
import { LOCK_SECONDARIES_PAGE, SELECT_SECONDARIES_PACKED } from './contact-sql.js';
import { CHUNK_BUDGET_BYTES, PACKED_OVERHEAD_BYTES, RECORD_WRAPPER_BYTES, ROW_OVERHEAD_BYTES, rowBytes, rowsPerPage } from './page-budget.js';
import type { SqlExecutor, SqlValue } from './sql-executor.js';

/** Groups too large for one response, read in pages: each page within the Data API's 1 MiB. */

/** Reads the next page of one root's secondaries after `after`, sized for the root's longest keys. */
export type PageReader = (tx: SqlExecutor, root: number, after: number, stats: SecondaryStats) => Promise<ReadRow[]>;

export const readLockedPage: PageReader = async (tx, root, after, stats) => {
  const limit = rowsPerPage(ROW_OVERHEAD_BYTES, stats);
  const { rows } = await tx.run(LOCK_SECONDARIES_PAGE, { root, after, limit });
  return rows.map(toContactRow);
};

export const readPackedPage: PageReader = async (tx, root, after, stats) => {
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
export async function readRest(tx: SqlExecutor, head: GroupHead, readPage: PageReader): Promise<ReadRow[]> {
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

/** AWS's refusal of a response over 1 MiB. */
export function isResponseTooLarge(error: unknown): boolean {
  return error instanceof Error && error.name === 'BadRequestException' && /response exceeded size limit/i.test(error.message);
}
