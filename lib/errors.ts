/**
 * Every error of the service, in one place. Those with an HTTP status (HttpError) are answers: the
 * jsonErrors middleware (lib/http/middleware/json-errors.ts) is the one place that turns them into
 * responses, shaped like middy's own http errors (`statusCode`, `expose`) so middy's handler
 * understands them. The others below never reach a caller as such: a conflict is retried, and the
 * rest stop a cold start or a migration with their message.
 */
export class HttpError extends Error {
  readonly expose = true;
  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The caller sent something we will not act on (4xx). Nothing was written. */
export class BadInput extends HttpError {
  constructor(message: string, statusCode = 400) {
    super(statusCode, message);
  }
}

/** The database is out of reach for now (503 + Retry-After). Nothing half-written: writes are atomic. */
export class Unavailable extends HttpError {
  constructor(message: string, retryAfterSeconds = 5) {
    super(503, message, { 'Retry-After': String(retryAfterSeconds) });
  }
}

/**
 * The group's answer is larger than a Lambda response can carry (422). Nothing was written: the
 * size is decided before any write commits. `groupSize` (contacts in the group) is for metrics.
 */
export class GroupTooLarge extends HttpError {
  constructor(
    readonly groupSize: number,
    answerBytes: number,
    limitBytes: number,
  ) {
    super(
      422,
      `the contact group has ${groupSize} contacts: too large to return (its answer would take ${answerBytes} bytes; a response carries at most ${limitBytes})`,
    );
  }
}

/** A plan that no longer holds when its write ran (another request changed the rows): read again (lib/runtime/retry.ts). */
export class Conflict extends Error {
  constructor(reason: string) {
    super(`conflict: ${reason}`);
    this.name = 'Conflict';
  }
}

/** A Lambda setting missing or wrong: the cold start fails, naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A blocked-values list that cannot be read (a bad pattern, an entry that is no email or phone). */
export class BlocklistError extends Error {
  override name = 'BlocklistError';
}

/** The migration files and the ledger disagree (an applied file edited or gone): nothing is applied. */
export class MigrationPlanError extends Error {
  override name = 'MigrationPlanError';
}

/** Another run kept the migration lock past the time given: nothing is applied. */
export class MigrationLockError extends Error {
  override name = 'MigrationLockError';
}
