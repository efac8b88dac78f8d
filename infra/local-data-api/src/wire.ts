import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dataApiError, multiStatements, schemaNotSupported } from './errors.js';
import type { ResultSetOptions } from './mysql-fields.js';
import { isMultiStatement } from './sql-text.js';

/**
 * The HTTP and JSON side of the wire protocol: reading a request within its limits, checking its
 * members as the Data API does, and writing a response.
 */

export type Json = Record<string, unknown>;

export function statementText(body: Json): string {
  const sql = body.sql;
  if (typeof sql !== 'string' || sql.trim() === '') throw dataApiError('BadRequestException', 'sql is required');
  if (sql.length > 65_536) throw dataApiError('ValidationException', 'sql must be at most 65536 characters long');
  if (body.schema !== undefined && body.schema !== null) throw schemaNotSupported();
  if (isMultiStatement(sql)) throw multiStatements();
  return sql;
}

export function readResultSetOptions(value: unknown): ResultSetOptions {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw dataApiError('BadRequestException', 'resultSetOptions must be a structure');
  const { decimalReturnType, longReturnType } = value as Json;
  if (decimalReturnType !== undefined && decimalReturnType !== 'STRING' && decimalReturnType !== 'DOUBLE_OR_LONG') {
    throw dataApiError('BadRequestException', `Invalid decimalReturnType ${String(decimalReturnType)}: use STRING or DOUBLE_OR_LONG`);
  }
  if (longReturnType !== undefined && longReturnType !== 'STRING' && longReturnType !== 'LONG') {
    throw dataApiError('BadRequestException', `Invalid longReturnType ${String(longReturnType)}: use STRING or LONG`);
  }
  return { decimalReturnType, longReturnType } as ResultSetOptions;
}

export function readFormat(value: unknown): 'NONE' | 'JSON' {
  if (value === undefined || value === null || value === 'NONE') return 'NONE';
  if (value === 'JSON') return 'JSON';
  throw dataApiError('BadRequestException', `Invalid formatRecordsAs ${String(value)}: use NONE or JSON`);
}

export function optionalString(body: Json, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function parseJson(raw: Buffer): Json {
  try {
    const parsed: unknown = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Json;
  } catch {
    // fall through
  }
  throw dataApiError('BadRequestException', 'The request body must be a JSON object');
}

/** The size of the request's headers as sent ("name: value\r\n" each). */
export function headerBytes(req: IncomingMessage): number {
  let size = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) size += req.rawHeaders[i]!.length + req.rawHeaders[i + 1]!.length + 4;
  return size;
}

export function readBody(req: IncomingMessage, maxBytes: number, limit = maxBytes): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        reject(dataApiError('BadRequestException', `Request size exceeds the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, JSON.stringify(body));
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(text);
}
