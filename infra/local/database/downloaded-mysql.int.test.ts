import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runInEmptyNetwork } from './namespace.js';

// The download path's failure, for real: mysql-memory-server tries to fetch MySQL 8.0.42 from a
// network namespace with no way out. (Its success needs the MySQL CDN, which this machine cannot reach.)

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

// mysql-memory-server runs `mysqld --version` from the PATH first; the script gets a PATH without this machine's mariadbd.
it('says in one line what was tried and what to do when MySQL cannot be downloaded', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'identify-download-'));
  dirs.push(dir);
  const result = (await runInEmptyNetwork('infra/local/database/download-run.script.ts', { TMPDIR: dir }, { path: '/usr/bin:/bin' })) as {
    message?: string;
    unreachable?: boolean;
    logged: string[];
  };
  expect(result.unreachable).toBe(true);
  expect(result.message).not.toContain('\n');
  expect(result.message).toMatch(/^No MySQL\/MariaDB server: nothing answers on 127\.0\.0\.1:3306, no mysqld or mariadbd in PATH or \/usr\/sbin/);
  expect(result.message).toMatch(
    /downloading MySQL 8\.0\.42 failed \([^)]*(EAI_AGAIN|ENOTFOUND|ENETUNREACH|getaddrinfo)[^)]*\): install one .* or set MYSQL_URL=mysql:\/\/user:password@host:port$/,
  );
  // The progress line was shown, and the package's own error output went to the log, not the terminal.
  expect(result.logged).toHaveLength(1);
  expect(result.logged[0]).toBe(`[mysql] downloading MySQL 8.0.42 once into ${join(dir, 'mysqlmsn', 'binaries')} (no MySQL/MariaDB server installed here)…`);
}, 60_000);
