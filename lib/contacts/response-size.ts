/**
 * Whether an answer fits in a synchronous Lambda response. Lambda refuses a handler result over
 * 6,291,556 bytes ("Exceeded maximum allowed payload size (6291556 bytes)", documented as 6 MB),
 * measured on the whole result object as JSON, where the body is a JSON string: every quote of
 * the answer is escaped. API Gateway then answers 502, which the contract forbids for any input.
 */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6_291_556;

/** Room for what the edge adds to the result (headers of middleware, the status) besides the body. */
const ENVELOPE_ALLOWANCE_BYTES = 16 * 1024;

/** The most a body may take, escaped as a JSON string inside the Lambda result. */
export const MAX_ESCAPED_BODY_BYTES = LAMBDA_RESPONSE_LIMIT_BYTES - ENVELOPE_ALLOWANCE_BYTES;

/** Bytes `response` takes as the JSON-string `body` of a Lambda result (the routes send JSON.stringify(response)). */
export function escapedBodyBytes(response: unknown): number {
  return Buffer.byteLength(JSON.stringify(JSON.stringify(response)));
}
