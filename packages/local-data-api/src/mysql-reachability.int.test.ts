import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkMysql, DatabaseUnreachable, serverName } from './mysql-reachability.js';
import { testDatabase } from './test-support.js';

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
