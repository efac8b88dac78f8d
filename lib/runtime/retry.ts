import { Conflict, Unavailable } from '../errors.js';

/**
 * The one retry policy of the service. Every transient failure of a database call passes through
 * `retrying`: it is retried with full-jitter exponential backoff while the invocation has time left,
 * then answered with 503 + Retry-After. Anything not transient is rethrown as it is.
 */

export type TransientKind = 'conflict' | 'resuming' | 'unavailable';

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET']);
const UNAVAILABLE_NAMES = new Set([
  'DatabaseUnavailableException',
  'ServiceUnavailableError',
  'InternalServerErrorException',
  'ThrottlingException',
  'TooManyRequestsException',
  'StatementTimeoutException',
  'TimeoutError',
  'AbortError',
  'RequestTimeout',
]);
// MySQL 1213 deadlock, 1205 lock wait timeout, 1020 record changed since last read (MariaDB snapshot
// isolation), 1467 "Failed to read auto-increment value": a deadlock as MariaDB reports it when an
// INSERT ... SELECT is chosen as the victim while it holds the table's AUTO-INC lock
// (innodb_autoinc_lock_mode = 1, MariaDB's default; Aurora MySQL 3 uses 2 and never sees it).
const LOCK_CONFLICT = /\b(1213|1205|1020|1467)\b|Deadlock found|Lock wait timeout|try restarting transaction/i;
// MySQL 1040 too many connections, 1203 user over max_user_connections, 2006 server gone away, 2013
// connection lost mid-query: the database is busy or went away, not the request's fault: a 503.
const DATABASE_BUSY = /error code: (1040|1203|2006|2013)\b|Too many connections|server has gone away|Lost connection to/i;

/** Two requests wanted the same rows: a deadlock, a lock wait timeout, or a premise that moved under the lock. */
function isLockContention(error: unknown): boolean {
  return error instanceof Conflict || (error instanceof Error && error.name === 'DatabaseErrorException' && LOCK_CONFLICT.test(error.message));
}

/** Which kind of transient failure an error is, or undefined when retrying cannot help. */
export function classifyTransient(error: unknown): TransientKind | undefined {
  if (error instanceof Conflict) return 'conflict';
  if (!(error instanceof Error)) return undefined;
  const name = error.name;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (error as { code?: string }).code;
  if (name === 'DatabaseErrorException') {
    if (LOCK_CONFLICT.test(error.message)) return 'conflict';
    return DATABASE_BUSY.test(error.message) ? 'unavailable' : undefined;
  }
  // A transaction the server rolled back (idle expiry, or aborted by a failed statement): start over.
  if (name === 'TransactionNotFoundException') return 'conflict';
  if (name === 'DatabaseResumingException') return 'resuming';
  if (UNAVAILABLE_NAMES.has(name)) return 'unavailable';
  if (code && CONNECTION_ERRORS.has(code)) return 'unavailable';
  if (status !== undefined && status >= 500) return 'unavailable';
  return undefined;
}

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /**
   * Attempts in all while every failure so far was lock contention (a deadlock, a lock wait, a premise
   * that moved; default maxAttempts). Contention is not an outage, and the contract allows a 503 only
   * for an outage; one failure of any other kind (the server dropped a transaction, was unreachable)
   * brings the limit back to maxAttempts.
   */
  maxConflictAttempts?: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Milliseconds this request may still spend; no retry starts that could not finish by then. */
  timeLeftMs: () => number;
  /** Called before each retry, for logs and metrics. */
  onRetry?: (kind: TransientKind, attempt: number, error: unknown) => void;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const RESUMING_POLL_MS = 1_000;

export const RETRY_AFTER_SECONDS: Record<TransientKind, number> = { conflict: 1, resuming: 15, unavailable: 5 };

export async function retrying<T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let onlyContention = true;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      const kind = classifyTransient(error);
      if (!kind) throw error;
      onlyContention &&= isLockContention(error);
      const delay = backoff(kind, attempt, options, random);
      const attempts = onlyContention ? (options.maxConflictAttempts ?? options.maxAttempts) : options.maxAttempts;
      if (attempt >= attempts || options.timeLeftMs() <= delay) {
        throw new Unavailable(unavailableMessage(kind), RETRY_AFTER_SECONDS[kind]);
      }
      options.onRetry?.(kind, attempt, error);
      if (delay > 0) await sleep(delay);
    }
  }
}

function backoff(kind: TransientKind, attempt: number, options: RetryOptions, random: () => number): number {
  // Aurora waking from 0 ACU takes about 15 s: knock every 1 to 2 s, so that the attempts
  // (12 by default) outlast a resume within the invocation's time.
  if (kind === 'resuming') return RESUMING_POLL_MS + Math.floor(random() * RESUMING_POLL_MS);
  // A conflict means the data moved on; the first re-read needs no wait.
  if (kind === 'conflict' && attempt === 1) return 0;
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

function unavailableMessage(kind: TransientKind): string {
  switch (kind) {
    case 'resuming':
      return 'the database is resuming from pause; retry after the time in Retry-After';
    case 'conflict':
      return 'too many concurrent changes to the same contacts; retry after the time in Retry-After';
    default:
      return 'the database is unavailable right now; retry after the time in Retry-After';
  }
}
