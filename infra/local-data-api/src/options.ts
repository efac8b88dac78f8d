import { LOCAL_DEFAULTS } from './defaults.js';
import type { LocalCredentials } from './sigv4.js';

/** What startLocalDataApi takes; every member is optional, its default is in LOCAL_DEFAULTS. */
export interface LocalDataApiOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  mysqlUrl?: string;
  /**
   * When the URL's host is loopback and it names no `socketPath`, connect through the server's Unix
   * socket if it has one and it leads to the same server (default true; false: TCP as the URL says).
   */
  preferSocket?: boolean;
  /** Database used when a request names none (default: none, as a connection without a database). */
  defaultDatabase?: string;
  resourceArn?: string;
  secretArn?: string;
  credentials?: LocalCredentials;
  /** The region clients are told to use (requests signed for any region are accepted). */
  region?: string;
  /** Check SigV4 signatures (default true). */
  verifySignatures?: boolean;
  /** How far a request's X-Amz-Date may be from the server's clock (AWS: 5 minutes). */
  maxClockSkewMs?: number;
  /** A transaction with no call for this long is rolled back (AWS: 3 minutes). */
  transactionIdleMs?: number;
  /** A transaction older than this is rolled back (AWS: 24 hours). */
  transactionMaxLifetimeMs?: number;
  /** A statement running longer is cancelled and answers StatementTimeoutException (default 45 s; 0: none). */
  statementTimeoutMs?: number;
  /** MySQL connections per database. */
  poolSize?: number;
  /** Largest request, headers and JSON body (AWS: 4 MiB). */
  maxRequestBytes?: number;
  /** Largest response body (AWS: 1 MiB of records). */
  maxResponseBytes?: number;
  /** Largest formattedRecords, for formatRecordsAs JSON (AWS: 10 MB). */
  maxFormattedRecordsBytes?: number;
  /** sql_mode of every session (default: Aurora MySQL 3's); null leaves the server's own. */
  sqlMode?: string | null;
  /** One line per call; default none. */
  log?: (line: string) => void;
}

export type ServerConfig = Omit<typeof LOCAL_DEFAULTS, 'credentials'> & {
  credentials: LocalCredentials;
  defaultDatabase?: string;
  log?: (line: string) => void;
};

/** The options given, over the defaults (an option given as undefined keeps its default). */
export function resolveConfig(options: LocalDataApiOptions): ServerConfig {
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return { ...LOCAL_DEFAULTS, ...given };
}
