import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runInEmptyNetwork } from './namespace.js';
import { isAlive } from './private-server.js';

// The private instance from the installed mariadbd/mysqld, end to end, on a machine where nothing
// answers on 127.0.0.1:3306 (a network namespace of its own) and MYSQL_URL is unset.

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

it('starts a private instance, migrates, answers, stops, and starts again with the data still there', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'identify-private-mysql-'));
  dirs.push(dir);
  const dataDir = join(dir, 'mysql');
  const result = (await runInEmptyNetwork('infra/local/database/private-run.script.ts', { LOCAL_MYSQL_DIR: dataDir })) as {
    databases: string[];
    insertedId: number;
    rows: [number, string][];
    timings: number[];
    log: string[];
  };
  for (const description of result.databases) {
    expect(description).toMatch(new RegExp(`^(MariaDB|MySQL) \\d+\\.\\d+\\.\\d+, private instance on 127\\.0\\.0\\.1:\\d+, data in ${dataDir}$`));
  }
  expect(result.insertedId).toBeGreaterThan(0);
  expect(result.rows).toEqual([[result.insertedId, 'kept@example.test']]);
  // Initialised once, on the first start only; the second start reused the data directory.
  expect(result.log.filter((line) => line.includes('initialising'))).toHaveLength(1);
  expect(result.timings[1]).toBeLessThan(15_000);
  // Stopped with the stack: no pid or instance record left behind, its own socket and log in its folder.
  const files = await readdir(dataDir);
  expect(files).toEqual(expect.arrayContaining(['data', 'error.log']));
  expect(files).not.toContain('instance.json');
  expect(files).not.toContain('mysqld.pid');
}, 90_000);

it('stops the private instance when the stack that started it is killed outright (SIGKILL)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'identify-private-kill-'));
  dirs.push(dir);
  const dataDir = join(dir, 'mysql');
  const { serverPid } = (await runInEmptyNetwork('infra/local/database/private-kill.script.ts', { LOCAL_MYSQL_DIR: dataDir }, { killed: true })) as {
    serverPid: number;
  };
  expect(serverPid).toBeGreaterThan(0);
  // The guard stops the server, then removes the record: wait for both, a minute at most.
  const stopped = async () => !isAlive(serverPid) && !(await readdir(dataDir)).includes('instance.json');
  const deadline = Date.now() + 60_000;
  while (!(await stopped()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(isAlive(serverPid)).toBe(false);
  expect(await readdir(dataDir)).not.toContain('instance.json');
}, 90_000);

it('`npm run data-api` runs on the private instance when nothing answers on 3306, and stops it with itself', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'identify-private-data-api-'));
  dirs.push(dir);
  const result = (await runInEmptyNetwork('infra/local/database/data-api-run.script.ts', { LOCAL_MYSQL_DIR: join(dir, 'mysql') })) as {
    output: string;
    database: string;
    code: number;
    instanceLeft: boolean;
  };
  expect(result.output).toMatch(/database\s+identify on 127\.0\.0\.1:\d+ \((MariaDB|MySQL|\d)/);
  expect(result.database).toBe('identify');
  expect(result.code).toBe(0);
  expect(result.instanceLeft).toBe(false);
}, 90_000);
