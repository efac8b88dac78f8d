/**
 * True when `sql` holds more than one statement: a `;` outside quotes and comments followed by
 * anything but white space or comments. The Data API refuses those ("Multistatements aren't supported.").
 */
export function isMultiStatement(sql: string): boolean {
  let i = 0;
  let sawTerminator = false;
  while (i < sql.length) {
    const ch = sql[i]!;
    const skipped = skipQuoteOrComment(sql, i);
    if (skipped >= 0) {
      if (sawTerminator && QUOTES.includes(ch)) return true;
      i = skipped;
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

const QUOTES = `'"\``;

/**
 * If a quoted string, a quoted name or a comment starts at `i`, the index just past it; else -1.
 * MySQL: "--" starts a comment only when white space (or the end) follows it.
 */
export function skipQuoteOrComment(sql: string, i: number): number {
  const ch = sql[i]!;
  const next = sql[i + 1];
  if (QUOTES.includes(ch)) return skipQuoted(sql, i, ch);
  if (ch === '#' || (ch === '-' && next === '-' && (i + 2 >= sql.length || /\s/.test(sql[i + 2]!)))) {
    const end = sql.indexOf('\n', i);
    return end === -1 ? sql.length : end + 1;
  }
  if (ch === '/' && next === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end === -1 ? sql.length : end + 2;
  }
  return -1;
}

function skipQuoted(sql: string, start: number, quote: string): number {
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
