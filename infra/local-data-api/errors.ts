/** An error as the RDS Data API sends it: HTTP status, `x-amzn-ErrorType` header, `{"message"}` body. */
export class DataApiError extends Error {
  constructor(
    override readonly name: DataApiErrorName,
    readonly status: number,
    message: string,
  ) {
    super(message);
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
  | 'UnrecognizedClientException'
  | 'InvalidSignatureException'
  | 'UnknownOperationException'
  | 'InternalServerErrorException';

const STATUS: Record<DataApiErrorName, number> = {
  BadRequestException: 400,
  DatabaseErrorException: 400,
  StatementTimeoutException: 400,
  TransactionNotFoundException: 404,
  DatabaseResumingException: 400,
  DatabaseUnavailableException: 504,
  ForbiddenException: 403,
  AccessDeniedException: 403,
  ValidationException: 400,
  UnrecognizedClientException: 403,
  InvalidSignatureException: 403,
  UnknownOperationException: 404,
  InternalServerErrorException: 500,
};

export function dataApiError(name: DataApiErrorName, message: string): DataApiError {
  return new DataApiError(name, STATUS[name], message);
}

/** A MySQL error as the Data API reports it. */
export function databaseError(error: { errno?: number; message: string }): DataApiError {
  const code = error.errno ? `Database error code: ${error.errno}. Message: ` : '';
  return dataApiError('DatabaseErrorException', `${code}${error.message}`);
}

export const transactionNotFound = (id: string) => dataApiError('TransactionNotFoundException', `Transaction ${id} isn't found`);
export const transactionAborted = () =>
  dataApiError('TransactionNotFoundException', 'Transaction has been aborted due to an error from a previous call');
