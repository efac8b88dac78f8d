import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { createDB } from 'mysql-memory-server';
import type { Database } from './database.js';

/**
 * MySQL 8.0.42, the version Aurora MySQL 3.10 runs, downloaded once and cached by mysql-memory-server
 * (in $TMPDIR/mysqlmsn/binaries). That package always starts from an empty data directory and deletes
 * it when the server stops: this path keeps no data between runs.
 */

export const AURORA_MYSQL_VERSION = '8.0.42';

function mysqlDownloadCache(): string {
  return join(tmpdir(), 'mysqlmsn', 'binaries');
}

/** While the archive grows in the package's cache, one line every few seconds with its size. */
function watchDownload(log: (line: string) => void): () => void {
  const cache = mysqlDownloadCache();
  if (existsSync(join(cache, AURORA_MYSQL_VERSION, 'mysql', 'bin', 'mysqld'))) return () => {};
  log(`[mysql] downloading MySQL ${AURORA_MYSQL_VERSION} once into ${cache} (no MySQL/MariaDB server installed here)…`);
  const archive = join(cache, `${AURORA_MYSQL_VERSION}.tar.xz`);
  const timer = setInterval(() => {
    if (!existsSync(archive)) return;
    log(`[mysql]   … ${(statSync(archive).size / 1e6).toFixed(0)} MB downloaded`);
  }, 5_000);
  return () => clearInterval(timer);
}

export async function startDownloadedMysql(log: (line: string) => void, options: { downloadRetries?: number } = {}): Promise<Database> {
  const stopWatching = watchDownload(log);
  // The package reports every retry with console.error, stack and all: the user gets our one line
  // instead, and VERBOSE=1 shows the package's own output.
  const consoleError = console.error;
  console.error = (...args: unknown[]) => {
    if (process.env.VERBOSE === '1') log(`[mysql] ${format(...args)}`);
  };
  try {
    const db = await createDB({ version: AURORA_MYSQL_VERSION, xEnabled: 'OFF', logLevel: 'ERROR', downloadRetries: options.downloadRetries ?? 3 });
    return {
      mysqlUrl: `mysql://${db.username}@127.0.0.1:${db.port}`,
      description: `MySQL ${db.mysql.version} (downloaded once, cached in ${mysqlDownloadCache()}) on 127.0.0.1:${db.port}; data NOT kept: mysql-memory-server starts it empty every time`,
      stop: () => db.stop(),
    };
  } catch (error) {
    // The package throws strings such as `Failed to download binary. The error was: "getaddrinfo EAI_AGAIN cdn.mysql.com"`.
    const text = String((error as Error)?.message ?? error).split('\n')[0]!;
    throw new Error(/The error was: "(.*)"$/.exec(text)?.[1] ?? text);
  } finally {
    console.error = consoleError;
    stopWatching();
  }
}
