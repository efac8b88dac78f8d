import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEFAULTS } from './server.js';
import { closeDirect, direct, testDatabase } from './test-support.js';

// The command stops everything it started (its port, its MySQL connections) and exits 0 on SIGTERM
// as on SIGINT, also when the signal goes to the `npm run` process in front of it, as a process
// manager or a terminal sends it.

const database = `${testDatabase().dbName}_signals`;

beforeAll(async () => {
  await direct().query(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
});

const children: ChildProcess[] = [];

afterAll(async () => {
  // A test that failed may leave the command running: end its whole process group.
  for (const child of children) if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  await direct().query(`DROP DATABASE IF EXISTS \`${database}\``);
  await closeDirect();
});

interface Started {
  child: ChildProcess;
  url: string;
  exit: Promise<number | null>;
}

async function startThroughNpm(): Promise<Started> {
  const child = spawn('npm', ['run', '--silent', 'start', '--', '--port', '0', '--quiet', '--database', database], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...ownEnvironment(), MYSQL_URL: testDatabase().mysqlUrl },
    // A group of its own, so that a failed test can end all of it; the signals under test go to npm alone.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on\s+(http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exit.then((code) => reject(new Error(`local-data-api exited with ${code}:\n${output}`)));
  });
  return { child, url, exit };
}

/** This process's environment without the settings the command reads, so that it runs on its defaults. */
function ownEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (/^(DB_|DATA_API_)/.test(name)) delete env[name];
  return env;
}

function canConnect(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The promise's value, or a failure once `ms` have passed. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function connectionsTo(db: string): Promise<number> {
  const [rows] = await direct().query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ?', [db]);
  return Number((rows as { n: number }[])[0]!.n);
}

describe.each(['SIGTERM', 'SIGINT'] as const)('%s to the npm process in front of local-data-api', (signal) => {
  it('closes its port, ends its MySQL connections and exits 0', async () => {
    const started = await startThroughNpm();
    const client = new RDSDataClient({ endpoint: started.url, region: LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials, maxAttempts: 1 });
    try {
      const out = await client.send(
        new ExecuteStatementCommand({ resourceArn: LOCAL_DEFAULTS.resourceArn, secretArn: LOCAL_DEFAULTS.secretArn, sql: 'SELECT 1' }),
      );
      expect(out.records).toEqual([[{ longValue: 1 }]]);
      expect(await connectionsTo(database)).toBeGreaterThan(0);

      started.child.kill(signal);
      expect(await within(10_000, started.exit)).toBe(0);
      expect(await canConnect(started.url)).toBe(false);
      await expect.poll(() => connectionsTo(database), { timeout: 5_000, interval: 50 }).toBe(0);
    } finally {
      client.destroy();
    }
  });
});
