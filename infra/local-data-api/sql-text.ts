/**
 * True when `sql` holds more than one statement: a `;` outside quotes and comments followed by
 * anything but white space or comments. The Data API refuses those ("Multistatements aren't supported.").
 */
export function isMultiStatement(sql: string): boolean {
  let i = 0;
  let sawTerminator = false;
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === "'" || ch === '"' || ch === '`') {
      if (sawTerminator) return true;
      i = skipQuoted(sql, i, ch);
    } else if (ch === '#' || (ch === '-' && next === '-' && (i + 2 >= sql.length || /\s/.test(sql[i + 2]!)))) {
      // MySQL: "--" starts a comment only when white space (or the end) follows it.
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (ch === ';') {
      sawTerminator = true;
      i++;
    } else {
      if (sawTerminator && !/\s/.test(ch)) return true;
      i++;
    }
  }
  return false;
}

/** The index just past the quoted string, identifier or backtick name that starts at `start`. */
export function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === '\\' && quote !== '`') i += 2;
    else if (ch === quote && sql[i + 1] === quote) i += 2;
    else if (ch === quote) return i + 1;
    else i++;
  }
  return i;
}
