/**
 * The service's errors, as values with an HTTP status. Only these cross into the HTTP edge;
 * the middy error handler (functions/identify.ts) is the one place that turns them into responses.
 * Shaped like middy's own http errors (`statusCode`, `expose`) so middy's handler understands them.
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
