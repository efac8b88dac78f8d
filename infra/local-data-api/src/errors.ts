/**
 * Errors as the RDS Data API sends them: an HTTP status, the header `x-amzn-ErrorType: <name>` and a
 * JSON body `{"message": ...}` (plus the exception's own members, e.g. StatementTimeoutException's
 * `dbConnectionId`). The SDKs read the exception name from the header.
 */
export class DataApiError extends Error {
  constructor(
    override readonly name: DataApiErrorName,
    readonly status: number,
    message: string,
    /** Members of the exception shape besides `message` (they go into the body). */
    readonly members: Record<string, unknown> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { message: this.message, ...this.members };
  }
}

export type DataApiErrorName =
  | 'BadRequestException'
  | 'DatabaseErrorException'
  | 'StatementTimeoutException'
  | 'TransactionNotFoundException'
  | 'DatabaseResumingException'
  | 'DatabaseUnavailableException'
  | 'ForbiddenException'
  | 'AccessDeniedException'
  | 'ValidationException'
  | 'UnsupportedResultException'
  | 'MissingAuthenticationTokenException'
  | 'UnrecognizedClientException'
  | 'InvalidSignatureException'
  | 'UnknownOperationException'
  | 'InternalServerErrorException';

/** Status codes: the `httpError` of each shape in the Smithy model; the SigV4 ones as every AWS front door sends them. */
const STATUS: Record<DataApiErrorName, number> = {
  BadRequestException: 400,
  DatabaseErrorException: 400,
  StatementTimeoutException: 400,
  TransactionNotFoundException: 404,
  DatabaseResumingException: 400,
  DatabaseUnavailableException: 504,
  ForbiddenException: 403,
  AccessDeniedException: 403,
  // Not in the model; the service sends it for multi-statements and the `schema` parameter.
  ValidationException: 400,
  UnsupportedResultException: 400,
  MissingAuthenticationTokenException: 403,
  UnrecognizedClientException: 403,
  InvalidSignatureException: 403,
  UnknownOperationException: 404,
  InternalServerErrorException: 500,
};

export function dataApiError(name: DataApiErrorName, message: string, members?: Record<string, unknown>): DataApiError {
  return new DataApiError(name, STATUS[name], message, members);
}

/** A MySQL error as the Data API reports it ("Database error code: 1146. Message: Table 'x.y' doesn't exist"). */
function databaseError(error: { errno?: number; message: string }): DataApiError {
  const code = error.errno ? `Database error code: ${error.errno}. Message: ` : '';
  return dataApiError('DatabaseErrorException', `${code}${error.message}`);
}

/**
 * Why a transaction id is not (or no longer) found. AWS appends the cause to "Transaction <id> isn't found"
 * (User Guide, data-api.troubleshooting).
 */
export type TransactionGone = 'unknown' | 'expired' | 'ended' | 'aborted';

const CAUSE: Record<TransactionGone, string> = {
  unknown: 'Transaction may be expired.',
  expired: 'Transaction may be expired.',
  ended: 'One previous call resulted in a termination of your transaction.',
  aborted: 'Transaction has been aborted due to an error from a previous call.',
};

export function transactionNotFound(id: string, why: TransactionGone = 'unknown'): DataApiError {
  return dataApiError('TransactionNotFoundException', `Transaction ${id} isn't found. ${CAUSE[why]}`);
}

export const transactionBusy = () => dataApiError('DatabaseErrorException', 'Transaction is still running a query');

export const multiStatements = () => dataApiError('ValidationException', "Multistatements aren't supported.");

export const schemaNotSupported = () => dataApiError('ValidationException', "The schema parameter isn't supported.");

export const responseTooLarge = () => dataApiError('BadRequestException', 'Database response exceeded size limit');

/** Any error of a call as the Data API reports it: MySQL errors by number, lost connections as an unavailable writer. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'PROTOCOL_CONNECTION_LOST', 'ENOTFOUND', 'EPIPE']);

export function toDataApiError(error: unknown): DataApiError {
  if (error instanceof DataApiError) return error;
  const e = error as { code?: string; errno?: number; message?: string; fatal?: boolean; sqlMessage?: string };
  if ((e.code && UNAVAILABLE_CODES.has(e.code)) || (e.fatal && !e.errno)) {
    return dataApiError('DatabaseUnavailableException', 'The database is unavailable. Try again later.');
  }
  if (typeof e.errno === 'number' && e.errno > 0) return databaseError({ errno: e.errno, message: e.sqlMessage ?? e.message ?? 'unknown error' });
  return dataApiError('InternalServerErrorException', 'An internal error occurred.');
}
