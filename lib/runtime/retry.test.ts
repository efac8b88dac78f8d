import { describe, expect, it, vi } from 'vitest';
import { Conflict, Unavailable } from '../errors.js';
import { classifyTransient, RETRY_AFTER_SECONDS, type RetryOptions, retrying, type TransientKind } from './retry.js';

function named(name: string, message = `${name} happened`, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, ...extra });
}

const DEADLOCK = 'Database error code: 1213. Message: Deadlock found when trying to get lock; try restarting transaction';
const LOCK_WAIT = 'Database error code: 1205. Message: Lock wait timeout exceeded; try restarting transaction';

describe('classifyTransient', () => {
  it.each<[string, unknown, TransientKind | undefined]>([
    ['Conflict', new Conflict('the rows moved'), 'conflict'],
    ['DatabaseErrorException with a deadlock (1213)', named('DatabaseErrorException', DEADLOCK), 'conflict'],
    ['DatabaseErrorException with a lock wait timeout (1205)', named('DatabaseErrorException', LOCK_WAIT), 'conflict'],
    [
      'DatabaseErrorException with a duplicate key',
      named('DatabaseErrorException', "Database error code: 1062. Message: Duplicate entry 'x' for key 'PRIMARY'"),
      undefined,
    ],
    [
      'DatabaseErrorException with a syntax error',
      named('DatabaseErrorException', 'Database error code: 1064. Message: You have an error in your SQL syntax'),
      undefined,
    ],
    [
      'DatabaseErrorException with too many connections (1040)',
      named('DatabaseErrorException', 'Database error code: 1040. Message: Too many connections'),
      'unavailable',
    ],
    [
      'DatabaseErrorException with the server gone away (2006)',
      named('DatabaseErrorException', 'Database error code: 2006. Message: MySQL server has gone away'),
      'unavailable',
    ],
    [
      'DatabaseErrorException that only quotes such a number',
      named('DatabaseErrorException', "Database error code: 1062. Message: Duplicate entry '1040' for key 'x'"),
      undefined,
    ],
    ['TransactionNotFoundException', named('TransactionNotFoundException', 'Transaction abc is not found'), 'conflict'],
    ['DatabaseResumingException', named('DatabaseResumingException', 'The database is resuming'), 'resuming'],
    ['DatabaseUnavailableException', named('DatabaseUnavailableException'), 'unavailable'],
    ['ThrottlingException', named('ThrottlingException', 'Rate exceeded'), 'unavailable'],
    ['an error with code ECONNREFUSED', named('Error', 'connect ECONNREFUSED 127.0.0.1:4000', { code: 'ECONNREFUSED' }), 'unavailable'],
    ['an error with $metadata.httpStatusCode 503', named('UnknownError', 'Service Unavailable', { $metadata: { httpStatusCode: 503 } }), 'unavailable'],
    ['BadRequestException', named('BadRequestException', 'Invalid parameter'), undefined],
    ['BadRequestException with status 400', named('BadRequestException', 'Invalid parameter', { $metadata: { httpStatusCode: 400 } }), undefined],
    ['a plain Error', new Error('boom'), undefined],
    ['a TypeError', new TypeError('x is not a function'), undefined],
    ['a non-error value', 'ECONNREFUSED', undefined],
    ['undefined', undefined, undefined],
  ])('%s -> %s', (_name, error, expected) => {
    expect(classifyTransient(error)).toBe(expected);
  });
});

/** Options that never wait for real: sleep is recorded, random is fixed, time is plenty. */
function options(overrides: Partial<RetryOptions> = {}) {
  const sleep = vi.fn(async (_ms: number) => {});
  const onRetry = vi.fn<(kind: TransientKind, attempt: number, error: unknown) => void>();
  const opts: RetryOptions = {
    maxAttempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    timeLeftMs: () => 60_000,
    random: () => 0.5,
    sleep,
    onRetry,
    ...overrides,
  };
  return { opts, sleep, onRetry };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('retrying', () => {
  it('returns the first success without retrying', async () => {
    const { opts, sleep, onRetry } = options();
    const work = vi.fn(async (attempt: number) => `ok on ${attempt}`);
    await expect(retrying(work, opts)).resolves.toBe('ok on 1');
    expect(work).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
    expect(onRetry).not.toHaveBeenCalled();
  });

  it('retries a transient error and returns the later success', async () => {
    const { opts, sleep, onRetry } = options();
    const failure = named('DatabaseUnavailableException');
    const work = vi.fn(async (attempt: number) => {
      if (attempt < 3) throw failure;
      return 'done';
    });
    await expect(retrying(work, opts)).resolves.toBe('done');
    expect(work.mock.calls.map((call) => call[0])).toEqual([1, 2, 3]);
    expect(onRetry.mock.calls).toEqual([
      ['unavailable', 1, failure],
      ['unavailable', 2, failure],
    ]);
    // Full jitter: random() * min(maxDelay, base * 2^(attempt-1)) = 0.5 * 100, then 0.5 * 200.
    expect(sleep.mock.calls.map((call) => call[0])).toEqual([50, 100]);
  });

  it.each<[string, () => Error, TransientKind]>([
    ['unavailable', () => named('DatabaseUnavailableException'), 'unavailable'],
    ['resuming', () => named('DatabaseResumingException'), 'resuming'],
    ['conflict', () => new Conflict('rows moved'), 'conflict'],
  ])('gives up after maxAttempts on %s errors with 503 and Retry-After', async (_name, make, kind) => {
    const { opts, onRetry } = options({ maxAttempts: 3 });
    const work = vi.fn(async () => {
      throw make();
    });
    const error = await caught(retrying(work, opts));
    expect(work).toHaveBeenCalledTimes(3);
    expect(error).toBeInstanceOf(Unavailable);
    const unavailable = error as Unavailable;
    expect(unavailable.statusCode).toBe(503);
    expect(unavailable.headers['Retry-After']).toBe(String(RETRY_AFTER_SECONDS[kind]));
    expect(Number(unavailable.headers['Retry-After'])).toBeGreaterThan(0);
    expect(unavailable.message).not.toBe('');
    expect(onRetry.mock.calls.map((call) => [call[0], call[1]])).toEqual([
      [kind, 1],
      [kind, 2],
    ]);
  });

  it('goes on past maxAttempts while the failures are lock conflicts, up to maxConflictAttempts', async () => {
    const { opts, onRetry } = options({ maxAttempts: 3, maxConflictAttempts: 6 });
    const work = vi.fn(async (attempt: number) => {
      throw attempt % 2 ? new Conflict('rows moved') : named('DatabaseErrorException', DEADLOCK);
    });
    const error = await caught(retrying(work, opts));
    expect(work).toHaveBeenCalledTimes(6);
    expect((error as Unavailable).headers['Retry-After']).toBe(String(RETRY_AFTER_SECONDS.conflict));
    expect(onRetry).toHaveBeenCalledTimes(5);
  });

  it('keeps the outage limit once the server dropped a transaction, though that counts as a conflict', async () => {
    const { opts } = options({ maxAttempts: 3, maxConflictAttempts: 6 });
    const work = vi.fn(async (attempt: number) => {
      throw attempt === 1 ? named('TransactionNotFoundException') : new Conflict('rows moved');
    });
    const error = await caught(retrying(work, opts));
    expect(work).toHaveBeenCalledTimes(3);
    expect((error as Unavailable).headers['Retry-After']).toBe(String(RETRY_AFTER_SECONDS.conflict));
  });

  it('keeps the outage limit for an outage that follows conflicts', async () => {
    const { opts } = options({ maxAttempts: 3, maxConflictAttempts: 6 });
    const failures = [new Conflict('rows moved'), new Conflict('rows moved'), named('DatabaseUnavailableException')];
    const work = vi.fn(async (attempt: number) => {
      throw failures[Math.min(attempt, failures.length) - 1];
    });
    const error = await caught(retrying(work, opts));
    expect(work).toHaveBeenCalledTimes(3);
    expect((error as Unavailable).headers['Retry-After']).toBe(String(RETRY_AFTER_SECONDS.unavailable));
  });

  it('stops conflicts too when the time left would not cover the wait', async () => {
    let left = 1_000;
    const sleep = vi.fn(async (ms: number) => {
      left -= ms;
    });
    const { opts } = options({ maxAttempts: 3, maxConflictAttempts: 100, timeLeftMs: () => left, sleep });
    const work = vi.fn(async () => {
      throw new Conflict('rows moved');
    });
    expect(await caught(retrying(work, opts))).toBeInstanceOf(Unavailable);
    expect(work.mock.calls.length).toBeLessThan(100);
    expect(left).toBeGreaterThanOrEqual(0);
  });

  it('makes exactly one attempt when maxAttempts is 1', async () => {
    const { opts, sleep, onRetry } = options({ maxAttempts: 1 });
    const work = vi.fn(async () => {
      throw named('ThrottlingException');
    });
    await expect(retrying(work, opts)).rejects.toBeInstanceOf(Unavailable);
    expect(work).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
    expect(onRetry).not.toHaveBeenCalled();
  });

  it.each([
    ['BadRequestException', () => named('BadRequestException', 'Invalid SQL')],
    ['a non-lock DatabaseErrorException', () => named('DatabaseErrorException', 'Database error code: 1062. Message: Duplicate entry')],
    ['a plain Error', () => new Error('bug')],
  ])('rethrows %s at once without retrying', async (_name, make) => {
    const { opts, sleep, onRetry } = options();
    const failure = make();
    const work = vi.fn(async () => {
      throw failure;
    });
    const error = await caught(retrying(work, opts));
    expect(error).toBe(failure);
    expect(error).not.toBeInstanceOf(Unavailable);
    expect(work).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
    expect(onRetry).not.toHaveBeenCalled();
  });

  it('rethrows a non-transient error that follows transient ones', async () => {
    const { opts } = options();
    const bug = new Error('bug');
    const work = vi.fn(async (attempt: number) => {
      if (attempt === 1) throw named('DatabaseUnavailableException');
      throw bug;
    });
    await expect(retrying(work, opts)).rejects.toBe(bug);
    expect(work).toHaveBeenCalledTimes(2);
  });

  it('retries a first conflict at once, without sleeping', async () => {
    const { opts, sleep, onRetry } = options();
    const work = vi.fn(async (attempt: number) => {
      if (attempt === 1) throw new Conflict('rows moved');
      return attempt;
    });
    await expect(retrying(work, opts)).resolves.toBe(2);
    expect(sleep).not.toHaveBeenCalled();
    expect(onRetry).toHaveBeenCalledWith('conflict', 1, expect.any(Conflict));
  });

  it('caps each delay at maxDelayMs', async () => {
    const { opts, sleep } = options({ maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 300, random: () => 0.999 });
    const work = vi.fn(async () => {
      throw named('DatabaseUnavailableException');
    });
    await expect(retrying(work, opts)).rejects.toBeInstanceOf(Unavailable);
    const delays = sleep.mock.calls.map((call) => call[0]);
    expect(delays).toHaveLength(7);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(300);
    }
  });

  it('never sleeps past timeLeftMs: gives up with 503 instead', async () => {
    // Delay would be floor(0.5 * 100) = 50 ms, but only 40 ms are left.
    const { opts, sleep, onRetry } = options({ timeLeftMs: () => 40 });
    const work = vi.fn(async () => {
      throw named('DatabaseUnavailableException');
    });
    const error = await caught(retrying(work, opts));
    expect(error).toBeInstanceOf(Unavailable);
    expect((error as Unavailable).statusCode).toBe(503);
    expect((error as Unavailable).headers['Retry-After']).toBeDefined();
    expect(work).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
    expect(onRetry).not.toHaveBeenCalled();
  });

  it('stops retrying once the remaining time runs short, and every sleep fits in the time left', async () => {
    // A fake clock: each sleep consumes its delay from the budget.
    let now = 0;
    const budget = 400;
    const timeLeftMs = () => budget - now;
    const sleeps: { delay: number; left: number }[] = [];
    const sleep = vi.fn(async (ms: number) => {
      sleeps.push({ delay: ms, left: timeLeftMs() });
      now += ms;
    });
    const { opts } = options({ maxAttempts: 100, baseDelayMs: 100, maxDelayMs: 10_000, random: () => 0.9, timeLeftMs, sleep });
    const work = vi.fn(async () => {
      throw named('DatabaseUnavailableException');
    });
    await expect(retrying(work, opts)).rejects.toBeInstanceOf(Unavailable);
    expect(sleeps.length).toBeGreaterThan(0);
    expect(work.mock.calls.length).toBeLessThan(100);
    for (const { delay, left } of sleeps) expect(delay).toBeLessThan(left);
    expect(now).toBeLessThan(budget);
  });

  it('gives up on a first conflict when no time is left at all', async () => {
    const { opts, sleep } = options({ timeLeftMs: () => 0 });
    const work = vi.fn(async () => {
      throw new Conflict('rows moved');
    });
    await expect(retrying(work, opts)).rejects.toBeInstanceOf(Unavailable);
    expect(work).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('calls onRetry with the kind and attempt of each failure before retrying', async () => {
    const { opts, onRetry } = options();
    const resuming = named('DatabaseResumingException');
    const conflict = named('DatabaseErrorException', DEADLOCK);
    const refused = named('Error', 'connect ECONNREFUSED', { code: 'ECONNREFUSED' });
    const failures = [resuming, conflict, refused];
    const work = vi.fn(async (attempt: number) => {
      const failure = failures[attempt - 1];
      if (failure) throw failure;
      return 'ok';
    });
    await expect(retrying(work, opts)).resolves.toBe('ok');
    expect(onRetry.mock.calls).toEqual([
      ['resuming', 1, resuming],
      ['conflict', 2, conflict],
      ['unavailable', 3, refused],
    ]);
  });

  it('uses Retry-After of the last failure kind', async () => {
    const { opts } = options({ maxAttempts: 2 });
    const work = vi.fn(async (attempt: number) => {
      throw attempt === 1 ? named('DatabaseUnavailableException') : named('DatabaseResumingException');
    });
    const error = (await caught(retrying(work, opts))) as Unavailable;
    expect(error).toBeInstanceOf(Unavailable);
    expect(error.headers['Retry-After']).toBe(String(RETRY_AFTER_SECONDS.resuming));
  });
});
