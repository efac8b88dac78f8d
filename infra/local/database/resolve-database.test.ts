import { DatabaseUnreachable } from 'local-data-api/mysql';
import { describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { chooseDatabase, type DatabaseProbes } from './resolve-database.js';
import type { ServerBinary } from './server-binary.js';
import { parseServerVersion } from './server-binary.js';

// Which server the local stack runs on, with the machine's probes replaced by answers we choose.

const MARIADB: ServerBinary = { path: '/usr/sbin/mariadbd', flavor: 'MariaDB', version: '10.11.19', installDb: '/usr/bin/mariadb-install-db' };
const unreachable = (where: string) => new DatabaseUnreachable(`Cannot reach MySQL/MariaDB at ${where} (ECONNREFUSED): start it`, 'unreachable');

function probes(answers: { answering?: string[]; refusing?: string[]; binary?: ServerBinary; download?: Database | Error; version?: string }) {
  const tried: string[] = [];
  const database = (description: string): Database => ({ mysqlUrl: `mysql://root@127.0.0.1:40000`, description, stop: async () => {} });
  const machine: DatabaseProbes = {
    async check(url) {
      tried.push(`check ${url}`);
      if (answers.answering?.includes(url)) return { version: answers.version ?? '10.11.19-MariaDB-0+deb12u1' };
      if (answers.refusing?.includes(url))
        throw new DatabaseUnreachable(`MySQL/MariaDB at 127.0.0.1:3306 refused the login (Access denied for user 'root'@'localhost')`, 'access-denied');
      throw unreachable(url);
    },
    async findServerBinary() {
      tried.push('find binary');
      return answers.binary;
    },
    async startPrivateServer(binary) {
      tried.push(`private ${binary.path}`);
      return database(`MariaDB 10.11.19, private instance on 127.0.0.1:40000, data in .local/mysql`);
    },
    async downloadMysql() {
      tried.push('download');
      if (answers.download instanceof Error) throw answers.download;
      return answers.download ?? database('MySQL 8.0.42 (downloaded)');
    },
  };
  return { machine, tried };
}

describe('chooseDatabase', () => {
  it('uses MYSQL_URL when it is set, and tries nothing else', async () => {
    const { machine, tried } = probes({ answering: ['mysql://me:pw@db.local:3307'], binary: MARIADB });
    const database = await chooseDatabase('mysql://me:pw@db.local:3307', machine);
    expect(tried).toEqual(['check mysql://me:pw@db.local:3307']);
    expect(database.mysqlUrl).toBe('mysql://me:pw@db.local:3307');
    expect(database.description).toBe('the server at db.local:3307 (MYSQL_URL) (MariaDB 10.11.19), data in that server');
    expect(database.description).not.toContain('pw');
  });

  it('names MySQL and its version when MYSQL_URL is a MySQL server (VERSION() says only the number)', async () => {
    for (const [version, named] of [
      ['9.7.4-2', 'MySQL 9.7.4'],
      ['8.0.42', 'MySQL 8.0.42'],
    ]) {
      const { machine } = probes({ answering: ['mysql://root@127.0.0.1:3316'], version });
      const database = await chooseDatabase('mysql://root@127.0.0.1:3316', machine);
      expect(database.description).toBe(`the server at 127.0.0.1:3316 (MYSQL_URL) (${named}), data in that server`);
    }
  });

  it('reports an unreachable MYSQL_URL instead of starting a server of its own', async () => {
    const { machine, tried } = probes({ binary: MARIADB });
    await expect(chooseDatabase('mysql://root@127.0.0.1:3399', machine)).rejects.toThrow(/Cannot reach MySQL\/MariaDB at mysql:\/\/root@127\.0\.0\.1:3399/);
    expect(tried).toEqual(['check mysql://root@127.0.0.1:3399']);
  });

  it('uses a server answering on the default address, as before', async () => {
    const { machine, tried } = probes({ answering: ['mysql://root@127.0.0.1:3306'], binary: MARIADB });
    const database = await chooseDatabase(undefined, machine);
    expect(tried).toEqual(['check mysql://root@127.0.0.1:3306']);
    expect(database.description).toBe('the server at 127.0.0.1:3306 (MariaDB 10.11.19), data in that server');
  });

  it('reports a server on the default address that refuses the login, rather than hiding it behind a private one', async () => {
    const { machine, tried } = probes({ refusing: ['mysql://root@127.0.0.1:3306'], binary: MARIADB });
    await expect(chooseDatabase(undefined, machine)).rejects.toThrow(/refused the login/);
    expect(tried).toEqual(['check mysql://root@127.0.0.1:3306']);
  });

  it('starts a private instance of the installed binary when nothing answers', async () => {
    const { machine, tried } = probes({ binary: MARIADB });
    const database = await chooseDatabase(undefined, machine);
    expect(tried).toEqual(['check mysql://root@127.0.0.1:3306', 'find binary', 'private /usr/sbin/mariadbd']);
    expect(database.description).toContain('private instance');
  });

  it('downloads MySQL when no binary is installed', async () => {
    const { machine, tried } = probes({});
    const database = await chooseDatabase(undefined, machine);
    expect(tried).toEqual(['check mysql://root@127.0.0.1:3306', 'find binary', 'download']);
    expect(database.description).toBe('MySQL 8.0.42 (downloaded)');
  });

  it('says in one line what was tried and what to do when the download fails too', async () => {
    const { machine, tried } = probes({ download: new Error('getaddrinfo EAI_AGAIN cdn.mysql.com') });
    const failure = (await chooseDatabase(undefined, machine).catch((error: unknown) => error)) as DatabaseUnreachable;
    expect(tried).toEqual(['check mysql://root@127.0.0.1:3306', 'find binary', 'download']);
    expect(failure).toBeInstanceOf(DatabaseUnreachable);
    expect(failure.message).not.toContain('\n');
    expect(failure.message).toMatch(/^No MySQL\/MariaDB server: nothing answers on 127\.0\.0\.1:3306, no mysqld or mariadbd in PATH or \/usr\/sbin, /);
    expect(failure.message).toContain('downloading MySQL 8.0.42 failed (getaddrinfo EAI_AGAIN cdn.mysql.com)');
    expect(failure.message).toMatch(
      /install one \(for example `apt-get install mariadb-server` or `brew install mysql@8\.0`\) or set MYSQL_URL=mysql:\/\/user:password@host:port$/,
    );
  });
});

describe('parseServerVersion', () => {
  it('tells MariaDB from MySQL by what --version prints', () => {
    expect(parseServerVersion('mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64 (Debian 12)')).toEqual({
      flavor: 'MariaDB',
      version: '10.11.19',
    });
    expect(parseServerVersion('/usr/sbin/mysqld  Ver 8.0.42 for Linux on x86_64 (MySQL Community Server - GPL)')).toEqual({
      flavor: 'MySQL',
      version: '8.0.42',
    });
    expect(parseServerVersion('mysqld: command not understood')).toBeUndefined();
  });
});
