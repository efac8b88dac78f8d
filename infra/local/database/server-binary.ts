import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

/** Finding an installed MySQL or MariaDB server binary, and what it needs to initialise a data directory. */

export interface ServerBinary {
  path: string;
  flavor: 'MariaDB' | 'MySQL';
  /** e.g. 10.11.19 or 8.0.42 */
  version: string;
  /** MariaDB initialises with mariadb-install-db (or mysql_install_db); MySQL 5.7+ with `mysqld --initialize-insecure`. */
  installDb?: string;
}

/** Where package managers put server binaries, after the PATH (Debian/Ubuntu keep them in /usr/sbin, off a user's PATH). */
export const USUAL_PLACES = [
  '/usr/sbin',
  '/usr/local/mysql/bin',
  '/opt/homebrew/bin',
  '/opt/homebrew/sbin',
  '/usr/local/bin',
  '/usr/local/sbin',
  '/usr/bin',
  '/usr/libexec',
  '/opt/local/sbin',
];
const SERVER_NAMES = ['mariadbd', 'mysqld'];
const INSTALL_DB_NAMES = ['mariadb-install-db', 'mysql_install_db'];

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

function searchDirectories(env: NodeJS.ProcessEnv = process.env): string[] {
  const fromPath = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  return [...new Set([...fromPath, ...USUAL_PLACES])];
}

async function firstExecutable(names: string[], directories: string[]): Promise<string | undefined> {
  for (const directory of directories) {
    for (const name of names) {
      const path = join(directory, name);
      if (await isExecutable(path)) return path;
    }
  }
  return undefined;
}

/** `mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for ...` or `mysqld  Ver 8.0.42 for Linux ...` */
export function parseServerVersion(output: string): Pick<ServerBinary, 'flavor' | 'version'> | undefined {
  const match = /Ver\s+(\d+\.\d+\.\d+)(\S*)/.exec(output);
  if (!match) return undefined;
  return { flavor: /mariadb/i.test(output) ? 'MariaDB' : 'MySQL', version: match[1]! };
}

export async function findServerBinary(env: NodeJS.ProcessEnv = process.env): Promise<ServerBinary | undefined> {
  const directories = searchDirectories(env);
  const path = await firstExecutable(SERVER_NAMES, directories);
  if (path === undefined) return undefined;
  const { stdout } = await promisify(execFile)(path, ['--version']).catch(() => ({ stdout: '' }));
  const identity = parseServerVersion(stdout);
  if (identity === undefined) return undefined;
  if (identity.flavor === 'MySQL') return { path, ...identity };
  // The install script sits beside the server (Homebrew, tarballs) or in a bin/ next to its sbin/ (Debian).
  const near = [dirname(path), join(dirname(path), '..', 'bin'), join(dirname(path), '..', 'scripts'), ...directories];
  const installDb = await firstExecutable(INSTALL_DB_NAMES, near);
  return installDb === undefined ? undefined : { path, ...identity, installDb };
}
