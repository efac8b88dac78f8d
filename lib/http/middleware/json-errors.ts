import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import { BadInput, HttpError, Unavailable } from '../../errors.js';
import { redactError } from '../../runtime/redact.js';

/**
 * Turns every error into an HttpError whose message is the JSON body `{"message": ...}`, for
 * middy's http-error-handler to send. Registered after it, so its onError runs first.
 * Nothing escapes: an unexpected error becomes a 500 with a generic message (and is logged).
 */
export function jsonErrors(logger: Logger): MiddlewareObj {
  return {
    onError: (request) => {
      const error = toHttpError(request.error, logger);
      // The status only: a message may quote what the caller sent.
      if (error.statusCode === 503) logger.warn('unavailable', { statusCode: 503, retryAfter: error.headers['Retry-After'] });
      else if (error.statusCode < 500) logger.info('rejected', { statusCode: error.statusCode });
      request.error = Object.assign(new Error(JSON.stringify({ message: error.message })), {
        statusCode: error.statusCode,
        expose: true,
        headers: { ...error.headers },
      });
    },
  };
}

const JSON_PARSER = '@middy/http-json-body-parser';

export function toHttpError(error: unknown, logger: Logger): HttpError {
  if (error instanceof HttpError) return error;
  const middyError = error as { statusCode?: number; message?: string; cause?: { package?: string; message?: string; data?: unknown } };
  if (middyError?.cause?.package === JSON_PARSER) {
    if (middyError.message === 'Unsupported Media Type') {
      return new BadInput('Content-Type must be application/json', 415);
    }
    // middy 7 refuses a "__proto__" key (and a "constructor" holding a "prototype") while parsing: the
    // same mistake as any other field the API does not know.
    if (middyError.message === 'Forbidden key in JSON body') {
      return new BadInput(`unknown field ${JSON.stringify(String(middyError.cause.data))}: only "email" and "phoneNumber" are accepted`);
    }
    const detail = middyError.cause.message ? ` (${middyError.cause.message})` : '';
    return new BadInput(`request body must be a JSON object like {"email": "...", "phoneNumber": "..."}; this one is not valid JSON${detail}`);
  }
  // middy's last-resort timeout, just before Lambda would kill the invocation: the database was too slow.
  if ((error as Error)?.name === 'TimeoutError') {
    return new Unavailable('the database did not answer in time; retry after the time in Retry-After');
  }
  if (typeof middyError?.statusCode === 'number' && middyError.statusCode < 500 && middyError.message) {
    return new HttpError(middyError.statusCode, middyError.message);
  }
  logger.error('unexpected error', { error: redactError(error) });
  return new HttpError(500, 'internal error');
}
