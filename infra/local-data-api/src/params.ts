import mysql from 'mysql2';
import { dataApiError } from './errors.js';
import { skipQuoteOrComment } from './sql-text.js';

/**
 * Data API parameters (`:name` in the SQL, `parameters: [{name, value: Field, typeHint}]`) bound as
 * MySQL literals, the way a JDBC driver with client-side prepared statements does it. Quotes,
 * backticks and comments are skipped, so `':x'` and `-- :x` stay text.
 */

export interface SqlParameter {
  name?: unknown;
  value?: unknown;
  typeHint?: unknown;
}

const TYPE_HINTS = ['DATE', 'TIME', 'TIMESTAMP', 'DECIMAL', 'JSON', 'UUID'] as const;

const FORMATS: Record<string, RegExp> = {
  DATE: /^\d{4}-\d{2}-\d{2}$/,
  TIME: /^\d{2}:\d{2}:\d{2}(\.\d{1,9})?$/,
  TIMESTAMP: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,9})?$/,
  DECIMAL: /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/,
  UUID: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
};

const FORMAT_TEXT: Record<string, string> = {
  DATE: 'YYYY-MM-DD',
  TIME: 'HH:MM:SS[.FFF]',
  TIMESTAMP: 'YYYY-MM-DD HH:MM:SS[.FFF]',
  DECIMAL: 'a decimal number',
  UUID: 'a UUID',
};

/** The SQL literal for one Data API parameter. Throws as the Data API does for a value it cannot take. */
export function parameterLiteral(parameter: SqlParameter): string {
  const name = String(parameter.name ?? '');
  const field = parameter.value;
  if (typeof field !== 'object' || field === null || Array.isArray(field)) {
    throw dataApiError('BadRequestException', `Parameter ${name} has no value`);
  }
  const members = Object.entries(field).filter(([, v]) => v !== undefined && v !== null);
  if (members.length !== 1) {
    throw dataApiError('BadRequestException', `The value of parameter ${name} must set exactly one member of Field`);
  }
  const [kind, value] = members[0]!;
  const hint = parameter.typeHint;
  if (hint !== undefined && hint !== null && !(TYPE_HINTS as readonly unknown[]).includes(hint)) {
    throw dataApiError('BadRequestException', `Invalid typeHint ${String(hint)} for parameter ${name}: use one of ${TYPE_HINTS.join(', ')}`);
  }
  switch (kind) {
    case 'isNull':
      if (value !== true) throw dataApiError('BadRequestException', `isNull of parameter ${name} must be true`);
      return 'NULL';
    case 'booleanValue':
      if (typeof value !== 'boolean') throw wrongType(name, kind);
      return value ? 'TRUE' : 'FALSE';
    case 'longValue':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(name, kind);
      return BigInt(value).toString();
    case 'doubleValue':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType(name, kind);
      return String(value);
    case 'stringValue':
      if (typeof value !== 'string') throw wrongType(name, kind);
      return stringLiteral(name, value, typeof hint === 'string' ? hint : undefined);
    case 'blobValue': {
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw wrongType(name, kind);
      return `X'${Buffer.from(value, 'base64').toString('hex')}'`;
    }
    case 'arrayValue':
      throw dataApiError('ValidationException', 'Array parameters are not supported.');
    default:
      throw dataApiError('BadRequestException', `Unknown member ${kind} in the value of parameter ${name}`);
  }
}

function stringLiteral(name: string, value: string, hint: string | undefined): string {
  if (hint && FORMATS[hint] && !FORMATS[hint].test(value)) {
    throw dataApiError('BadRequestException', `The value of parameter ${name} isn't valid for typeHint ${hint}: expected ${FORMAT_TEXT[hint]}`);
  }
  if (hint === 'DECIMAL') return value;
  return mysql.escape(value);
}

function wrongType(name: string, kind: string) {
  return dataApiError('BadRequestException', `The ${kind} of parameter ${name} has the wrong type`);
}

/** Parameter names to literals; a leading ":" on a name is accepted. */
export function parameterMap(parameters: unknown): Map<string, string> {
  const map = new Map<string, string>();
  if (parameters === undefined || parameters === null) return map;
  if (!Array.isArray(parameters)) throw dataApiError('BadRequestException', 'parameters must be a list of SqlParameter');
  for (const parameter of parameters as SqlParameter[]) {
    if (typeof parameter !== 'object' || parameter === null) throw dataApiError('BadRequestException', 'parameters must be a list of SqlParameter');
    const name = typeof parameter.name === 'string' ? parameter.name.replace(/^:/, '') : '';
    if (!name) throw dataApiError('BadRequestException', 'Every parameter needs a name');
    map.set(name, parameterLiteral(parameter));
  }
  return map;
}

/** `sql` with every `:name` outside quotes and comments replaced by its parameter's literal. */
export function bindParameters(sql: string, values: Map<string, string>): string {
  if (!sql.includes(':')) return sql;
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    const skipped = skipQuoteOrComment(sql, i);
    if (skipped >= 0) {
      i = skipped;
    } else if (ch === ':' && next === ':') {
      i += 2;
    } else if (ch === ':' && next !== undefined && /[A-Za-z0-9_]/.test(next) && !/[A-Za-z0-9_$]/.test(sql[i - 1] ?? '')) {
      let end = i + 1;
      while (end < sql.length && /[A-Za-z0-9_]/.test(sql[end]!)) end++;
      const name = sql.slice(i + 1, end);
      const literal = values.get(name);
      if (literal === undefined) throw dataApiError('BadRequestException', `No value specified for parameter: ${name}`);
      out += sql.slice(copied, i) + literal;
      copied = end;
      i = end;
    } else {
      i++;
    }
  }
  return copied === 0 ? sql : out + sql.slice(copied);
}
