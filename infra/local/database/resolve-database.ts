import { isAbsolute, relative, resolve } from 'node:path';
import { LOCAL_DEFAULTS } from 'local-data-api';
import { checkMysql, DatabaseUnreachable, describeMysqlUrl, type MysqlServerInfo, serverName } from 'local-data-api/mysql';
import { PROJECT_ROOT } from '../project-root.js';
import type { Database } from './database.js';
import { AURORA_MYSQL_VERSION, startDownloadedMysql } from './downloaded-mysql.js';
import { startPrivateServer } from './private-server.js';
import { findServerBinary, type ServerBinary, USUAL_PLACES } from './server-binary.js';

/**
 * Which MySQL/MariaDB server the local stack runs on, in this order:
 *   1. MYSQL_URL, when set (always wins);
 *   2. a server already answering on the default address (127.0.0.1:3306);
 *   3. a private instance of an installed mysqld/mariadbd, data kept in .local/mysql (LOCAL_MYSQL_DIR);
 *   4. MySQL 8.0 (Aurora MySQL 3's version) downloaded once by mysql-memory-server, data not kept;
 *   5. otherwise one line saying what was tried and what to do.
 */

/** What the choice needs from the machine, passed in so that the order can be tested without one. */
export interface DatabaseProbes {
  check(mysqlUrl: string): Promise<MysqlServerInfo>;
  findServerBinary(): Promise<ServerBinary | undefined>;
  startPrivateServer(binary: ServerBinary): Promise<Database>;
  downloadMysql(): Promise<Database>;
}

export function localMysqlDir(env: NodeJS.ProcessEnv = process.env): { dir: string; shownDir: string } {
  const dir = resolve(PROJECT_ROOT, env.LOCAL_MYSQL_DIR || '.local/mysql');
  const inside = relative(PROJECT_ROOT, dir);
  return { dir, shownDir: inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : dir };
}

const external = (mysqlUrl: string, version: string, how: string): Database => ({
  mysqlUrl,
  description: `the server at ${describeMysqlUrl(mysqlUrl)}${how} (${serverName(version)}), data in that server`,
  stop: async () => {},
});

export async function chooseDatabase(mysqlUrl: string | undefined, probes: DatabaseProbes): Promise<Database> {
  if (mysqlUrl) return external(mysqlUrl, (await probes.check(mysqlUrl)).version, ' (MYSQL_URL)');
  const defaultUrl = LOCAL_DEFAULTS.mysqlUrl;
  try {
    return external(defaultUrl, (await probes.check(defaultUrl)).version, '');
  } catch (error) {
    // Someone answers there but refuses us (a password, say): that is the user's server, and its problem to report.
    if ((error as DatabaseUnreachable).problem !== 'unreachable') throw error;
  }
  const binary = await probes.findServerBinary();
  if (binary) return probes.startPrivateServer(binary);
  try {
    return await probes.downloadMysql();
  } catch (error) {
    throw new DatabaseUnreachable(
      `No MySQL/MariaDB server: nothing answers on ${describeMysqlUrl(defaultUrl)}, no mysqld or mariadbd in PATH or ${USUAL_PLACES.join(', ')}, ` +
        `and downloading MySQL ${AURORA_MYSQL_VERSION} failed (${(error as Error).message}): install one (for example \`apt-get install mariadb-server\` or \`brew install mysql@8.0\`) or set MYSQL_URL=mysql://user:password@host:port`,
      'unreachable',
    );
  }
}

export function machineProbes(env: NodeJS.ProcessEnv, log: (line: string) => void): DatabaseProbes {
  const { dir, shownDir } = localMysqlDir(env);
  return {
    check: (mysqlUrl) => checkMysql(mysqlUrl),
    findServerBinary: () => findServerBinary(env),
    startPrivateServer: (binary) => startPrivateServer({ binary, dir, shownDir, log }),
    downloadMysql: () => startDownloadedMysql(log),
  };
}

/** The one call the local stack makes: a server to run on, a line that says which, and how to stop it. */
export function resolveDatabase(mysqlUrl: string | undefined, log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<Database> {
  return chooseDatabase(mysqlUrl, machineProbes(env, log));
}
