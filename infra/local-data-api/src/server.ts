import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallCounter, type CallStats } from './call-stats.js';
import { type Faults, noFaults } from './faults.js';
import { createFront } from './http/front.js';
import { MysqlBackend } from './mysql-backend.js';
import { type MysqlLink, mysqlConnection } from './mysql-socket.js';
import { type LocalDataApiOptions, resolveConfig } from './options.js';
import type { LocalCredentials } from './sigv4.js';
import { TransactionStore } from './transactions.js';

/**
 * A local server that speaks the RDS Data API wire protocol (restJson1, SigV4) in front of a real
 * MySQL/MariaDB, through mysql2. The SDK cannot tell it from AWS; only the endpoint differs.
 * What it does and where it differs from AWS on purpose: the package's README.md.
 *
 * This module only composes the parts (mysql-socket.ts, http/front.ts, operations/, mysql-backend.ts,
 * transactions.ts), listens and closes.
 */

export type { CallStats } from './call-stats.js';
export { AURORA_SQL_MODE, LOCAL_DEFAULTS } from './defaults.js';
export type { Faults } from './faults.js';
export type { MysqlLink } from './mysql-socket.js';
export type { LocalDataApiOptions } from './options.js';

export interface LocalDataApi {
  url: string;
  port: number;
  resourceArn: string;
  secretArn: string;
  region: string;
  credentials: LocalCredentials;
  faults: Faults;
  /** How its connections reach MySQL/MariaDB: `tcp`, or `socket /run/mysqld/mysqld.sock` (options.preferSocket). */
  mysqlLink: MysqlLink;
  stats(): CallStats;
  resetStats(): void;
  openTransactions(): number;
  /** The MySQL/MariaDB server behind it, e.g. "10.11.6-MariaDB". */
  serverVersion(): Promise<string>;
  close(): Promise<void>;
}

export async function startLocalDataApi(options: LocalDataApiOptions = {}): Promise<LocalDataApi> {
  const config = resolveConfig(options);
  const stats = new CallCounter();
  const faults = noFaults();
  const connection = await mysqlConnection(config.mysqlUrl, { preferSocket: config.preferSocket });
  const backend = new MysqlBackend({ ...config, connection: connection.options, onStatement: () => stats.statement() });
  const transactions = new TransactionStore(
    { idleMs: config.transactionIdleMs, maxLifetimeMs: config.transactionMaxLifetimeMs },
    { log: config.log, end: (connection, statement) => backend.endTransaction(connection, statement) },
  );
  const openTransactions = () => transactions.size;
  const front = createFront({ config, operations: { config, backend, transactions }, stats, faults, local: { stats, faults, openTransactions } });

  const server = createServer(front);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${urlHost(config.host)}:${port}`,
    port,
    resourceArn: config.resourceArn,
    secretArn: config.secretArn,
    region: config.region,
    credentials: config.credentials,
    faults,
    mysqlLink: connection.link,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    openTransactions,
    serverVersion: () => backend.serverVersion(),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await transactions.closeAll();
      await backend.close();
    },
  };
}

/** The host of the server's URL: a wildcard address is reached on loopback; IPv6 in brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
