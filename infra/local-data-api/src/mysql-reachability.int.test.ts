import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ExecuteStatementCommand } from '@aws-sdk/client-rds-data';
import { afterAll, describe, expect, it } from 'vitest';
import { checkMysql, DatabaseUnreachable, serverName } from './mysql-reachability.js';
import { closeDirect, direct, sdkClient, startServer, target, testDatabase } from './test-support.js';

// Each way of not getting in gets one line naming the real problem, against the tests' real server.
// A wrong password only fails one login: the server itself is untouched.

function withPassword(mysqlUrl: string, password: string): string {
  const url = new URL(mysqlUrl);
  url.password = password;
  return url.toString();
}

async function failure(mysqlUrl: string, options = {}): Promise<DatabaseUnreachable> {
  const error = await checkMysql(mysqlUrl, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatabaseUnreachable);
  const problem = error as DatabaseUnreachable;
  expect(problem.message).not.toContain('\n');
  return problem;
}

describe('checkMysql', () => {
  it('answers with the server version when it can log in', async () => {
    const info = await checkMysql(testDatabase().mysqlUrl, { database: testDatabase().dbName });
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.databaseExists).toBe(true);
    // The engine by name, as the start-up lines print it (MariaDB says so in its version, MySQL does not).
    expect(serverName(info.version)).toMatch(/^(MariaDB|MySQL) \d+\.\d+\.\d+$/);
    expect(serverName(info.version).startsWith('MariaDB')).toBe(info.version.includes('MariaDB'));
  });

  it('names a wrong password as a refused login, without printing the password', async () => {
    const problem = await failure(withPassword(testDatabase().mysqlUrl, 'not-the-password-42'));
    expect(problem.problem).toBe('access-denied');
    expect(problem.message).toMatch(
      /^MySQL\/MariaDB at 127\.0\.0\.1:\d+ refused the login \(Access denied for user '[^']+'@'[^']+' \(using password: YES\)\): check the user and password in MYSQL_URL$/,
    );
    expect(problem.message).not.toContain('not-the-password-42');
  });

  it('names a malformed MYSQL_URL as such, before trying to connect', async () => {
    for (const [url, why] of [
      ['root@127.0.0.1:3306', 'is not a valid URL'],
      ['mysql//root@127.0.0.1', 'is not a valid URL'],
      ['http://root@127.0.0.1:3306', 'must start with mysql://'],
      ['mysql://root@127.0.0.1:port', 'is not a valid URL'],
    ] as const) {
      const problem = await failure(url);
      expect(problem.problem).toBe('malformed-url');
      expect(problem.message).toBe(`MYSQL_URL ${why}: expected mysql://user:password@host:port`);
    }
  });

  it('names an unreachable server, and where the URL is set', async () => {
    // Port 1 on loopback: nothing listens there.
    const problem = await failure('mysql://root@127.0.0.1:1', { setting: '--mysql-url' });
    expect(problem.problem).toBe('unreachable');
    expect(problem.message).toBe(
      'Cannot reach MySQL/MariaDB at 127.0.0.1:1 (ECONNREFUSED): start it (for example `service mariadb start`) or pass --mysql-url mysql://user:password@host:port',
    );
  });
});

describe('a user with a password, by the engine default plugin', () => {
  afterAll(() => closeDirect());

  // MySQL 8.0.4+ creates users with caching_sha2_password, whose first login of a user sends the
  // password RSA-encrypted with the server's public key when the connection has no TLS (mysql2 asks
  // for the key); MariaDB 10.11 and Aurora MySQL 3 use mysql_native_password. Both must work, over TCP.
  it('logs in over TCP without TLS: MySQL 8+ caching_sha2_password (first login, RSA key exchange), MariaDB mysql_native_password', async () => {
    const user = `lda_${randomBytes(4).toString('hex')}`;
    const password = `pw-${randomBytes(6).toString('hex')}`;
    await direct().query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', password]);
    try {
      await direct().query(`GRANT SELECT ON \`${testDatabase().dbName}\`.* TO ?@?`, [user, '%']);
      const [rows] = await direct().query('SELECT plugin FROM mysql.user WHERE user = ?', [user]);
      const { version } = await checkMysql(testDatabase().mysqlUrl);
      const expected = version.includes('MariaDB') ? 'mysql_native_password' : 'caching_sha2_password';
      expect((rows as { plugin: string }[])[0]?.plugin).toBe(expected);

      const url = new URL(testDatabase().mysqlUrl);
      url.username = user;
      url.password = password;
      expect((await checkMysql(url.toString(), { database: testDatabase().dbName })).databaseExists).toBe(true);
      const server = await startServer({ mysqlUrl: url.toString(), preferSocket: false });
      const client = sdkClient(server);
      try {
        const out = await client.send(new ExecuteStatementCommand({ ...target(server), sql: 'SELECT CURRENT_USER()' }));
        expect(out.records?.[0]?.[0]?.stringValue).toBe(`${user}@%`);
      } finally {
        client.destroy();
        await server.close();
      }
    } finally {
      await direct().query('DROP USER ?@?', [user, '%']);
    }
  });
});

describe('the local-data-api command with a database it cannot use', () => {
  const run = (args: string[], env: Record<string, string>) =>
    promisify(execFile)('npm', ['run', '--silent', 'start', '--', '--port', '0', ...args], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, ...env },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );

  it('says in one line that the password is wrong', async () => {
    const { code, stderr } = await run([], { MYSQL_URL: withPassword(testDatabase().mysqlUrl, 'wrong-one') });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/refused the login \(Access denied for user .*\): check the user and password in MYSQL_URL/);
  });

  it('says in one line that --mysql-url is not a URL', async () => {
    const { code, stderr } = await run(['--mysql-url', 'root:secret@localhost'], {});
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('--mysql-url must start with mysql://: expected mysql://user:password@host:port');
  });
});
