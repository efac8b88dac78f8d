import { createHash, randomBytes } from 'node:crypto';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { LOCAL_DEFAULTS } from 'local-data-api';
import mysql from 'mysql2/promise';
import { inject } from 'vitest';
import { ContactRepository } from '../../lib/store/contact-repository.js';
import { DataApiExecutor, type DataApiOperation } from '../../lib/store/data-api/executor.js';
import type { AuditRow, FinalRow } from '../concurrency/check.js';
import { gatewaySigner } from './sign.js';

/** Shared helpers of the integration and end-to-end tests. */

export const stack = () => inject('stack');

/** A prefix no other test uses, so tests can share one database and run in parallel. */
export function uniqueTag(): string {
  return randomBytes(4).toString('hex');
}

export function dataApiClient(): RDSDataClient {
  return new RDSDataClient({ endpoint: stack().dataApiUrl, region: LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials });
}

function dataApiExecutor(client = dataApiClient()): DataApiExecutor {
  return new DataApiExecutor(client, {
    resourceArn: LOCAL_DEFAULTS.resourceArn,
    secretArn: LOCAL_DEFAULTS.secretArn,
    database: stack().dbName,
  });
}

/** A Data API executor on the test database that records every Data API call it makes, in order. */
export function countingExecutor(): { executor: DataApiExecutor; calls: DataApiOperation[] } {
  const calls: DataApiOperation[] = [];
  const executor = new DataApiExecutor(
    dataApiClient(),
    { resourceArn: LOCAL_DEFAULTS.resourceArn, secretArn: LOCAL_DEFAULTS.secretArn, database: stack().dbName },
    { onCall: (operation) => calls.push(operation) },
  );
  return { executor, calls };
}

export function repository(): ContactRepository {
  return new ContactRepository(dataApiExecutor());
}

let pool: mysql.Pool | undefined;

/** Direct SQL, for arranging rows and checking what the service wrote. Never used by the code under test. */
export function sql(): mysql.Pool {
  pool ??= mysql.createPool({ uri: stack().mysqlUrl, database: stack().dbName, connectionLimit: 4, dateStrings: true, timezone: 'Z' });
  return pool;
}

/** A primary row written straight into the table, behind the service's back; its id. */
export async function insertPrimary(email: string | null, phone: string | null = null): Promise<number> {
  const [result] = await sql().query("INSERT INTO Contact (email, phoneNumber, linkedId, linkPrecedence) VALUES (?, ?, NULL, 'primary')", [email, phone]);
  return (result as { insertId: number }).insertId;
}

/** A statement and its values, for `fromAnotherSession`. */
export type Write = [string, unknown[]];

/** What each statement does from another session that waits at most 1 s for a lock: 'waits' (1205) or 'done'. */
export async function fromAnotherSession(writes: Record<string, Write>): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(writes).map(async ([name, [statement, values]]) => {
      const connection = await mysql.createConnection({ uri: stack().mysqlUrl, database: stack().dbName });
      try {
        await connection.query('SET SESSION innodb_lock_wait_timeout = 1');
        await connection.query(statement, values);
        return [name, 'done'];
      } catch (error) {
        const errno = (error as { errno?: number }).errno;
        if (errno === 1205) return [name, 'waits'];
        throw error;
      } finally {
        await connection.end();
      }
    }),
  );
  return Object.fromEntries(entries);
}

export interface StoredContact {
  id: number;
  email: string | null;
  phoneNumber: string | null;
  linkedId: number | null;
  linkPrecedence: 'primary' | 'secondary';
  deletedAt: string | null;
}

/** Every row (deleted ones too) whose email or phone contains `tag`, in id order. */
export async function rowsTagged(tag: string): Promise<StoredContact[]> {
  const like = `%${tag}%`;
  const [rows] = await sql().query(
    'SELECT id, email, phoneNumber, linkedId, linkPrecedence, deletedAt FROM Contact WHERE email LIKE ? OR phoneNumber LIKE ? ORDER BY id',
    [like, like],
  );
  return rows as StoredContact[];
}

const sign = gatewaySigner(LOCAL_DEFAULTS.credentials);

export interface CallOptions {
  method?: string;
  path?: string;
  /** Sign with these credentials instead of the local ones, or send unsigned (false). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | false;
  /** Sign for this region instead of the local one (us-east-1). */
  region?: string;
  /** The base URL of another stack (default: the shared one). */
  url?: string;
}

/**
 * A request to the local gateway, signed with SigV4 for execute-api with the local credentials as a
 * caller on AWS signs it: the check stays on for every end-to-end test.
 */
export async function callGateway(body: string | undefined, headers: Record<string, string>, options: CallOptions = {}) {
  const method = options.method ?? 'POST';
  const url = `${options.url ?? stack().url}${options.path ?? '/identify'}`;
  const credentials = options.credentials ?? LOCAL_DEFAULTS.credentials;
  const signer = credentials === LOCAL_DEFAULTS.credentials && !options.region ? sign : credentials ? gatewaySigner(credentials, options.region) : undefined;
  const sent = signer ? await signer(url, { method, headers, body }) : headers;
  const { host: _host, ...rest } = sent;
  // As bytes: fetch adds a content type of its own to a string body, and a test must send exactly its headers.
  const response = await fetch(url, { method, headers: rest, body: body === undefined ? undefined : Buffer.from(body) });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as any };
}

export async function postIdentify(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }, options: CallOptions = {}) {
  return callGateway(typeof body === 'string' ? body : JSON.stringify(body), headers, options);
}

/**
 * Digits no other test uses, for phone numbers: 14 of them, led by a 1 so that with two more appended
 * the phone is still a safe integer to send as a JSON number, whatever the clock says.
 */
export function uniqueDigits(): string {
  return `1${String(Date.now() % 1e7).padStart(7, '0')}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
}

/** The live rows of a run whose emails hold `.tag@` or whose phones start with `digits`, for the checker. */
export async function finalRows(tag: string, digits: string): Promise<FinalRow[]> {
  const [rows] = await sql().query(
    `SELECT id, email, phoneNumber, linkedId, linkPrecedence, DATE_FORMAT(createdAt, '%Y-%m-%d %H:%i:%s') AS createdAt
       FROM Contact WHERE deletedAt IS NULL AND (email LIKE ? OR phoneNumber LIKE ?) ORDER BY id`,
    [`%.${tag}@%`, `${digits}%`],
  );
  return rows as FinalRow[];
}

/**
 * Every row of a run of the checker, tombstones too: live or erased rows that still hold a value of
 * the run (`.tag@` emails, phones starting with `digits`), and the rows that `ids` (every id the
 * run's answers named) name or link to, which is how tombstones, holding no value, are found.
 */
export async function runRows(tag: string, digits: string, ids: Iterable<number>): Promise<FinalRow[]> {
  const named = [...new Set(ids), 0];
  const [rows] = await sql().query(
    `SELECT id, email, phoneNumber, linkedId, linkPrecedence, DATE_FORMAT(createdAt, '%Y-%m-%d %H:%i:%s') AS createdAt,
            DATE_FORMAT(deletedAt, '%Y-%m-%d %H:%i:%s') AS deletedAt
       FROM Contact WHERE email LIKE ? OR phoneNumber LIKE ? OR id IN (?) OR linkedId IN (?) ORDER BY id`,
    [`%.${tag}@%`, `${digits}%`, named, named],
  );
  return rows as FinalRow[];
}

/** Which of `values` are stored blocked values now, as the checker's keys (`e:<email>`, `p:<phone>`). */
export async function storedBlocked(values: { emails: string[]; phones: string[] }): Promise<Set<string>> {
  const sha256 = (value: string) => createHash('sha256').update(value).digest();
  const wanted = new Map([
    ...values.emails.map((email): [string, string] => [`email:${sha256(email).toString('hex')}`, `e:${email}`]),
    ...values.phones.map((phone): [string, string] => [`phone:${sha256(phone).toString('hex')}`, `p:${phone}`]),
  ]);
  const hashes = [...values.emails, ...values.phones].map(sha256);
  const [rows] = await sql().query('SELECT kind, LOWER(HEX(valueHash)) AS hash FROM BlockedValue WHERE valueHash IN (?)', [hashes]);
  return new Set(
    (rows as { kind: string; hash: string }[]).map((row) => wanted.get(`${row.kind}:${row.hash}`)).filter((key): key is string => key !== undefined),
  );
}

/** The audit records whose request id starts with `prefix`, by request id. */
export async function auditRecords(prefix: string): Promise<Map<string, AuditRow[]>> {
  const [rows] = await sql().query('SELECT requestId, route, answer FROM AuditRecord WHERE requestId LIKE ? ORDER BY id', [`${prefix}%`]);
  const byRequest = new Map<string, AuditRow[]>();
  for (const row of rows as (AuditRow & { requestId: string })[])
    byRequest.set(row.requestId, [...(byRequest.get(row.requestId) ?? []), { route: row.route, answer: row.answer }]);
  return byRequest;
}
