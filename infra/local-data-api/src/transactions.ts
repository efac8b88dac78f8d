import { randomBytes } from 'node:crypto';
import type { PoolConnection } from 'mysql2/promise';
import { type TransactionGone, transactionBusy, transactionNotFound } from './errors.js';

export interface Transaction {
  id: string;
  connection: PoolConnection;
  startedAt: number;
  lastUsedAt: number;
  busy: boolean;
}

export interface TransactionLimits {
  /** A transaction with no call for this long is rolled back (AWS: 3 minutes). */
  idleMs: number;
  /** A transaction older than this is rolled back (AWS: 24 hours). */
  maxLifetimeMs: number;
}

export interface TransactionHooks {
  log?: (line: string) => void;
  /** Ends the connection's work: COMMIT or ROLLBACK, then back to the pool (or destroyed if that fails). */
  end?: (connection: PoolConnection, statement: 'COMMIT' | 'ROLLBACK') => Promise<void>;
}

const REMEMBERED = 10_000;

/**
 * Open transactions, each pinned to one MySQL connection. Ends every one of them in COMMIT or
 * ROLLBACK: on request, on a failed statement (aborted), on idle or lifetime expiry, on close. Ids
 * that are gone are remembered (the last 10,000) so that a later call hears why.
 */
export class TransactionStore {
  private readonly open = new Map<string, Transaction>();
  private readonly gone = new Map<string, TransactionGone>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly log: (line: string) => void;
  private readonly endConnection: (connection: PoolConnection, statement: 'COMMIT' | 'ROLLBACK') => Promise<void>;

  constructor(
    private readonly limits: TransactionLimits,
    hooks: TransactionHooks = {},
  ) {
    this.log = hooks.log ?? (() => {});
    this.endConnection = hooks.end ?? defaultEnd;
    const every = Math.max(20, Math.min(1_000, Math.floor(Math.min(limits.idleMs, limits.maxLifetimeMs) / 4)));
    this.sweeper = setInterval(() => void this.sweep(), every);
    this.sweeper.unref();
  }

  get size(): number {
    return this.open.size;
  }

  add(connection: PoolConnection): Transaction {
    // AWS's ids are opaque strings of up to 192 characters.
    const id = randomBytes(138).toString('base64');
    const now = Date.now();
    const tx: Transaction = { id, connection, startedAt: now, lastUsedAt: now, busy: false };
    this.open.set(id, tx);
    return tx;
  }

  /** Claims the transaction for one call; `release`, `finish` or `abort` must follow. Refuses a second concurrent call. */
  claim(id: string): Transaction {
    const tx = this.open.get(id);
    if (!tx) throw transactionNotFound(id, this.gone.get(id) ?? 'unknown');
    if (tx.busy) throw transactionBusy();
    tx.busy = true;
    tx.lastUsedAt = Date.now();
    return tx;
  }

  release(tx: Transaction): void {
    tx.busy = false;
    tx.lastUsedAt = Date.now();
  }

  /** Ends a claimed transaction with COMMIT or ROLLBACK on request. */
  async finish(tx: Transaction, statement: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    this.forget(tx.id, 'ended');
    await this.endConnection(tx.connection, statement);
  }

  /**
   * A statement failed inside the transaction: it is gone at once (later calls hear that it was
   * aborted); the rollback runs once `settled` (the failed statement's own end) has come.
   */
  abort(tx: Transaction, reason: string, settled: Promise<unknown> = Promise.resolve()): Promise<void> {
    // Already gone (expired while the statement ran): keep the first cause.
    if (this.open.get(tx.id) === tx) this.forget(tx.id, 'aborted');
    this.log(`transaction rolled back: ${reason}`);
    return settled.then(
      () => this.endConnection(tx.connection, 'ROLLBACK').catch(() => {}),
      () => this.endConnection(tx.connection, 'ROLLBACK').catch(() => {}),
    );
  }

  /**
   * RollbackTransaction on a transaction that a failed statement aborted: it is rolled back already,
   * so the call succeeds, once (as on Aurora: clients roll back after an error and expect success).
   */
  rollbackAborted(id: string): boolean {
    if (this.gone.get(id) !== 'aborted') return false;
    this.gone.set(id, 'ended');
    return true;
  }

  async sweep(now = Date.now()): Promise<void> {
    for (const tx of [...this.open.values()]) {
      const idle = !tx.busy && now - tx.lastUsedAt > this.limits.idleMs;
      const tooOld = now - tx.startedAt > this.limits.maxLifetimeMs;
      if (!idle && !tooOld) continue;
      this.forget(tx.id, 'expired');
      this.log(`transaction rolled back: ${idle ? 'idle' : 'lifetime'} limit passed`);
      if (tx.busy) tx.connection.destroy();
      else await this.endConnection(tx.connection, 'ROLLBACK').catch(() => {});
    }
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((tx) => (tx.busy ? tx.connection.destroy() : this.endConnection(tx.connection, 'ROLLBACK').catch(() => {}))));
  }

  private forget(id: string, why: TransactionGone): void {
    this.open.delete(id);
    if (this.gone.size >= REMEMBERED) {
      const oldest = this.gone.keys().next().value;
      if (oldest !== undefined) this.gone.delete(oldest);
    }
    this.gone.set(id, why);
  }
}

async function defaultEnd(connection: PoolConnection, statement: 'COMMIT' | 'ROLLBACK'): Promise<void> {
  try {
    await connection.query(statement);
    connection.release();
  } catch (error) {
    connection.destroy();
    throw error;
  }
}
