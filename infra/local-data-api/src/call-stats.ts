/** What the server has done since it started (or since resetStats), for tests that count calls. */
export interface CallStats {
  /** Data API calls by operation. */
  calls: Record<string, number>;
  /** SQL statements sent to MySQL (transaction control included). */
  statements: number;
  errors: Record<string, number>;
}

/** The one owner of the server's counters. */
export class CallCounter {
  private stats: CallStats = { calls: {}, statements: 0, errors: {} };

  call(operation: string): void {
    this.stats.calls[operation] = (this.stats.calls[operation] ?? 0) + 1;
  }

  statement(): void {
    this.stats.statements++;
  }

  error(name: string): void {
    this.stats.errors[name] = (this.stats.errors[name] ?? 0) + 1;
  }

  snapshot(): CallStats {
    return structuredClone(this.stats);
  }

  reset(): void {
    this.stats = { calls: {}, statements: 0, errors: {} };
  }
}
