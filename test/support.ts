import { randomBytes } from 'node:crypto';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import mysql from 'mysql2/promise';
import { inject } from 'vitest';
import { ContactRepository } from '../lib/contact-repository.js';
import { DataApiExecutor } from '../lib/data-api/executor.js';
import { LOCAL_DEFAULTS } from 'local-data-api';
import type { FinalRow } from './concurrency/check.js';

/** Shared helpers of the integration and end-to-end tests. */

export const stack = () => inject('stack');

/** A prefix no other test uses, so tests can share one database and run in parallel. */
export function uniqueTag(): string {
  return randomBytes(4).toString('hex');
}

export function dataApiClient(): RDSDataClient {
  return new RDSDataClient({ endpoint: stack().dataApiUrl, region: LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials });
}

export function dataApiExecutor(client = dataApiClient()): DataApiExecutor {
  return new DataApiExecutor(client, {
    resourceArn: LOCAL_DEFAULTS.resourceArn,
    secretArn: LOCAL_DEFAULTS.secretArn,
    database: stack().dbName,
  });
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

export async function postIdentify(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const response = await fetch(`${stack().url}/identify`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as any };
}

/** Digits no other test uses, for phone numbers. */
export function uniqueDigits(): string {
  return String(Date.now() % 1e8).padStart(8, '0') + String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
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
