/**
 * What API Gateway answers for a Lambda invocation with payload format 2.0. A structured result
 * (one with statusCode) gives its status, headers, cookies and body (base64-decoded when flagged);
 * any other valid JSON is a 200 application/json carrying it; a function error is a 500. Pure.
 */

export interface Invocation {
  /** The Lambda Invoke API's own status (200 when the function ran). */
  status: number;
  /** X-Amz-Function-Error: set when the function failed. */
  functionError?: string;
  payload: string;
}

export interface GatewayResponse {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export function gatewayError(statusCode: number, message: string): GatewayResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ message })) };
}

export const INTERNAL_ERROR = () => gatewayError(500, 'Internal Server Error');

export function mapResult(invocation: Invocation): GatewayResponse {
  // Lambda refuses an event over its 6 MB invocation limit before the function runs.
  if (invocation.status === 413) return gatewayError(413, 'Request Entity Too Large');
  if (invocation.status !== 200 || invocation.functionError) return INTERNAL_ERROR();
  let result: unknown;
  try {
    result = invocation.payload === '' ? null : JSON.parse(invocation.payload);
  } catch {
    return INTERNAL_ERROR();
  }
  if (isStructured(result)) return structured(result);
  const body = typeof result === 'string' ? result : JSON.stringify(result);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
}

interface StructuredResult {
  statusCode: unknown;
  headers?: unknown;
  cookies?: unknown;
  body?: unknown;
  isBase64Encoded?: unknown;
}

function isStructured(result: unknown): result is StructuredResult {
  return typeof result === 'object' && result !== null && !Array.isArray(result) && 'statusCode' in result;
}

function structured(result: StructuredResult): GatewayResponse {
  const status = result.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return INTERNAL_ERROR();
  const headers: Record<string, string | string[]> = {};
  if (typeof result.headers === 'object' && result.headers !== null) {
    for (const [name, value] of Object.entries(result.headers)) headers[name.toLowerCase()] = String(value);
  }
  if (Array.isArray(result.cookies) && result.cookies.length > 0) headers['set-cookie'] = result.cookies.map(String);
  const text = result.body === undefined || result.body === null ? '' : String(result.body);
  const body = result.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { statusCode: status, headers, body };
}
