import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { stack } from '../../test/support/helpers.js';
import { canConnect } from './ports.js';
import { PROJECT_ROOT } from './project-root.js';

// `npm run data-api`: the workspace package's command with this project's own database name, and a
// SIGTERM to the npm process stops it (port closed, exit 0), as a process manager sends it.

const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(DB_|DATA_API_)/.test(name)));
const child = spawn('npm', ['run', '--silent', 'data-api', '--', '--port', '0', '--quiet'], {
  cwd: PROJECT_ROOT,
  env: { ...env, MYSQL_URL: stack().mysqlUrl },
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
});
const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
let output = '';

afterAll(() => {
  if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
});

describe('npm run data-api', () => {
  it('serves this project’s database by default and stops on SIGTERM to npm', async () => {
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /listening on\s+(http:\/\/\S+)/.exec(output);
        if (match) resolve(match[1]!);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void exit.then((code) => reject(new Error(`npm run data-api exited with ${code}:\n${output}`)));
    });
    expect(output).toMatch(/database\s+identify\b/);
    expect(await canConnect(Number(new URL(url).port))).toBe(true);

    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(await canConnect(Number(new URL(url).port))).toBe(false);
  });
});
