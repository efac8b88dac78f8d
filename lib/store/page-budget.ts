import type { ContactRow } from '../contacts/model.js';

/**
 * How many rows a read may ask for so that each Data API response stays within AWS's 1 MiB, from the
 * longest email and phone of the rows (docs/LARGE-GROUPS.md).
 */

/** The longest email and phone of some rows, each quoted twice as JSON (as they travel in a packed page). */
export type KeyLengths = { maxEmail: number; maxPhone: number };

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
export const ROW_OVERHEAD_BYTES = 131;

/** The same for a row packed as a JSON array (`[id, "email", "phone", linkedId, true, ts]`, MySQL's ", " separators included). */
export const PACKED_OVERHEAD_BYTES = 50;

/**
 * A packed chunk's own wrapper in the response (`[{"stringValue":"[…]"}],`): when a root's ids are
 * sparse every chunk may hold a single row, which then pays it alone, so a page is sized for that.
 */
export const RECORD_WRAPPER_BYTES = 24;

/** Bytes of one packed chunk: under the Data API's 64 KB per row. */
export const CHUNK_BUDGET_BYTES = 60_000;

/** The most bytes one row takes, given the fixed part and the longest keys (null travels as 4 or 15 bytes). */
export function rowBytes(overhead: number, stats: KeyLengths): number {
  return overhead + Math.max(stats.maxEmail, 4) + Math.max(stats.maxPhone, 4);
}

/** How many rows fit in a page within PAGE_BUDGET_BYTES. */
export function rowsPerPage(overhead: number, stats: KeyLengths): number {
  return Math.max(1, Math.floor(PAGE_BUDGET_BYTES / rowBytes(overhead, stats)));
}

/** The longest `key` among `rows`, quoted twice as JSON (as the stats of a head measure it). */
export function quotedTwiceBytes(rows: readonly ContactRow[], key: 'email' | 'phoneNumber'): number {
  let max = 0;
  for (const row of rows) {
    const value = row[key];
    if (value !== null) max = Math.max(max, Buffer.byteLength(JSON.stringify(JSON.stringify(value))));
  }
  return max;
}
