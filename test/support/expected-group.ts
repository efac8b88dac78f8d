import type { Pool } from 'mysql2/promise';
import type { IdentifyResponse } from '../../lib/contacts/model.js';
import { answerOf } from './reference-model.js';

/** The contract's answer for the group of `primaryId`, computed from the table by the reference model's rule. */
export async function answerFromTable(pool: Pool, primaryId: number): Promise<IdentifyResponse> {
  const [rows] = await pool.query('SELECT id, email, phoneNumber FROM Contact WHERE (id = ? OR linkedId = ?) AND deletedAt IS NULL ORDER BY createdAt, id', [
    primaryId,
    primaryId,
  ]);
  return answerOf(rows as { id: number; email: string | null; phoneNumber: string | null }[], primaryId);
}
