import { randomBytes } from 'node:crypto';
import type { PoolConnection } from 'mysql2/promise';
import { dataApiError, transactionAborted, transactionNotFound } from './errors.js';

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

const REMEMBERED_ABORTS = 10_000;

/**
 * Open transactions, each pinned to one MySQL connection. Ends every one of them in COMMIT or
 * ROLLBACK: on request, on a failed statement (aborted), on idle or lifetime expiry, on close.
 */
export class TransactionStore {
  private readonly open = new Map<string, Transaction>();
  private readonly aborted = new Set<string>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly limits: TransactionLimits,
    private readonly log: (line: string) => void = () => {},
  ) {
    const every = Math.max(50, Math.min(1_000, Math.floor(limits.idleMs / 4)));
    this.sweeper = setInterval(() => void this.sweep(), every);
    this.sweeper.unref();
  }

  get size(): number {
    return this.open.size;
  }

  add(connection: PoolConnection): Transaction {
    // AWS's ids are opaque strings of up to 192 characters.
    const id = randomBytes(96).toString('base64url');
    const now = Date.now();
    const tx: Transaction = { id, connection, startedAt: now, lastUsedAt: now, busy: false };
    this.open.set(id, tx);
    return tx;
  }

  /** Claims the transaction for one call; `release` must follow. Refuses a second concurrent call. */
  claim(id: string): Transaction {
    const tx = this.open.get(id);
    if (!tx) throw this.aborted.has(id) ? transactionAborted() : transactionNotFound(id);
    if (tx.busy) throw dataApiError('DatabaseErrorException', 'Transaction is still running a query');
    tx.busy = true;
    tx.lastUsedAt = Date.now();
    return tx;
  }

  release(tx: Transaction): void {
    tx.busy = false;
    tx.lastUsedAt = Date.now();
  }

  /** Ends a claimed transaction with COMMIT or ROLLBACK and returns its connection to the pool. */
  async finish(tx: Transaction, statement: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    this.open.delete(tx.id);
    try {
      await tx.connection.query(statement);
      tx.connection.release();
    } catch (error) {
      tx.connection.destroy();
      throw error;
    }
  }

  /** A statement failed inside the transaction: roll it back; later calls hear that it was aborted. */
  async abort(tx: Transaction, reason: string): Promise<void> {
    this.rememberAbort(tx.id);
    this.log(`transaction rolled back: ${reason}`);
    await this.finish(tx, 'ROLLBACK').catch(() => {});
  }

  async sweep(now = Date.now()): Promise<void> {
    for (const tx of this.open.values()) {
      const idle = !tx.busy && now - tx.lastUsedAt > this.limits.idleMs;
      const tooOld = now - tx.startedAt > this.limits.maxLifetimeMs;
      if (!idle && !tooOld) continue;
      this.open.delete(tx.id);
      this.log(`transaction rolled back: ${idle ? 'idle' : 'lifetime'} limit passed`);
      if (tx.busy) tx.connection.destroy();
      else await this.finish({ ...tx }, 'ROLLBACK').catch(() => {});
    }
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((tx) => (tx.busy ? tx.connection.destroy() : this.finish(tx, 'ROLLBACK').catch(() => {}))));
  }

  private rememberAbort(id: string): void {
    if (this.aborted.size >= REMEMBERED_ABORTS) {
      const oldest = this.aborted.values().next().value;
      if (oldest !== undefined) this.aborted.delete(oldest);
    }
    this.aborted.add(id);
  }
}
