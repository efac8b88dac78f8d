import type { FieldPacket, Pool } from 'mysql2/promise';
import { maybeMariaDbJson } from './mysql-fields.js';

/**
 * MariaDB has no JSON type on the wire: a JSON column is LONGTEXT COLLATE utf8mb4_bin with a
 * `CHECK (json_valid(col))` constraint. Aurora MySQL reports it as JSON (typeName "JSON"), and
 * clients parse it by that name, so the server looks those constraints up, per table, once in a
 * while (any DDL through the server, or `ttlMs`, makes it look again).
 */
export class JsonColumns {
  private readonly cache = new Map<string, { at: number; columns: Promise<Set<string>> }>();

  constructor(
    private readonly admin: () => Pool,
    private readonly ttlMs = 5_000,
  ) {}

  /** Indexes of the result columns that are JSON columns. Only asks MariaDB when a column could be one. */
  async find(fields: FieldPacket[], isMariaDb: () => Promise<boolean>): Promise<Set<number>> {
    const found = new Set<number>();
    for (const [index, field] of fields.entries()) {
      if (!maybeMariaDbJson(field) || !field.db) continue;
      if (!(await isMariaDb())) return found;
      const columns = await this.tableColumns(field.db, field.orgTable);
      if (columns.has(field.orgName)) found.add(index);
    }
    return found;
  }

  /** Forget everything: the schema may have changed. */
  invalidate(): void {
    this.cache.clear();
  }

  private tableColumns(db: string, table: string): Promise<Set<string>> {
    const key = `${db}\u0000${table}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.columns;
    const columns = this.lookUp(db, table).catch(() => new Set<string>());
    this.cache.set(key, { at: Date.now(), columns });
    return columns;
  }

  private async lookUp(db: string, table: string): Promise<Set<string>> {
    const [rows] = await this.admin().query(
      "SELECT CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ? AND CHECK_CLAUSE LIKE 'json_valid(%'",
      [db, table],
    );
    const columns = new Set<string>();
    for (const row of rows as { clause: string }[]) {
      const match = /^json_valid\(`((?:[^`]|``)+)`\)$/.exec(row.clause.trim());
      if (match) columns.add(match[1]!.replace(/``/g, '`'));
    }
    return columns;
  }
}

/** Does this statement change the schema (so cached column facts may be stale)? */
export function isDdl(sql: string): boolean {
  const text = sql.replace(/^(\s+|--[^\n]*\n?|#[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '');
  return /^(CREATE|ALTER|DROP|RENAME|TRUNCATE)\b/i.test(text);
}
