import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkMysql, describeMysqlUrl, serverName } from 'local-data-api/mysql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localBuildFolder } from '../../infra/local/offline.js';
import { canConnect } from '../../infra/local/ports.js';
import { PROJECT_ROOT } from '../../infra/local/project-root.js';
import { LOCAL_ROUTES } from '../../infra/local/routes.js';
import { postIdentify, rowsTagged, stack, uniqueTag } from '../support/helpers.js';

// `npm start` as a developer runs it, each on free ports against the test database: what it prints,
// AUTH=none, the cold start it reports, SIGTERM, and a bad PORT.

interface Started {
  child: ChildProcess;
  output: () => string;
  url: string;
  ports: number[];
  exited: Promise<number | null>;
}

/** `npm start`; with `direct`, the stack's own process without npm in front (to kill it outright). */
async function npmStart(env: Record<string, string>, direct = false): Promise<Started> {
  // As a developer's shell has it: the test runner's switches for Powertools stay out.
  const { POWERTOOLS_METRICS_DISABLED: _metrics, POWERTOOLS_LOG_LEVEL: _level, ...shell } = process.env;
  const [command, args] = direct ? [process.execPath, ['--import', 'tsx', 'infra/local/start.ts']] : ['npm', ['start', '--silent']];
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env: { ...shell, PORT: '0', LAMBDA_PORT: '0', DATA_API_PORT: '0', MYSQL_URL: stack().mysqlUrl, DB_NAME: stack().dbName, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const deadline = Date.now() + 90_000;
  while (!output.includes('stops everything')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const ports = [...output.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
  const url = /POST (http:\/\/127\.0\.0\.1:\d+)\/identify/.exec(output)![1]!;
  return { child, output: () => output, url, ports: [...new Set(ports)], exited };
}

describe('npm start', () => {
  let open: Started;
  let authOff: Started;
  beforeAll(async () => {
    [open, authOff] = await Promise.all([npmStart({}), npmStart({ AUTH: 'none', VERBOSE: '1' })]);
  }, 180_000);
  afterAll(async () => {
    for (const started of [open, authOff]) {
      if (started && started.child.exitCode === null) {
        started.child.kill('SIGTERM');
        await started.exited;
      }
    }
  }, 30_000);

  it('prints only what works: the URLs, the database engine and version, the auth line and a signed curl, no serverless-offline banner', async () => {
    const { version } = await checkMysql(stack().mysqlUrl);
    const lines = open
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(lines[0]).toMatch(/^identify is up in [\d.]+ s$/);
    const paths = Object.keys(LOCAL_ROUTES);
    expect(lines).toHaveLength(6 + paths.length);
    // One line per route, each to its own function, in the order of the routes table.
    for (const [i, path] of paths.entries()) expect(lines[1 + i]).toMatch(new RegExp(`^ {2}POST http://127\\.0\\.0\\.1:\\d+${path} `));
    const [invoke, data, auth, curl] = lines.slice(1 + paths.length);
    expect(invoke).toMatch(/\/2015-03-31\/functions\/identify-local-identify\/invocations/);
    // The engine and its version as the server reports them (CI runs this on MariaDB and on MySQL).
    expect(data).toContain(`database ${stack().dbName} on the server at ${describeMysqlUrl(stack().mysqlUrl)} (MYSQL_URL) (${serverName(version)})`);
    expect(data).toMatch(/ \((MariaDB|MySQL) \d+\.\d+\.\d+\), data in that server/);
    expect(auth).toMatch(/auth: SigV4 for execute-api .* local \/ local \(AUTH=none turns it off\)/);
    expect(curl).toBe(
      `  curl --aws-sigv4 "aws:amz:us-east-1:execute-api" --user local:local -H 'content-type: application/json' -d '{"email":"doc@hillvalley.edu"}' ${open.url}/identify`,
    );
    expect(open.output()).not.toMatch(/Warning|ANY|Offline \[http/);
    expect(open.ports).toHaveLength(3);
  });

  it('checks signatures by default: unsigned is 403', async () => {
    const answer = await postIdentify(
      { email: `default.${uniqueTag()}@example.com` },
      { 'content-type': 'application/json' },
      { url: open.url, credentials: false },
    );
    expect(answer.status).toBe(403);
  });

  it('with AUTH=none lets an unsigned request through, and says so', async () => {
    expect(authOff.output()).toMatch(/auth: OFF \(AUTH=none\)/);
    const tag = uniqueTag();
    const answer = await postIdentify({ email: `open.${tag}@example.com` }, { 'content-type': 'application/json' }, { url: authOff.url, credentials: false });
    expect(answer.status).toBe(200);
    expect(await rowsTagged(tag)).toHaveLength(1);
  });

  it('reports a cold start on the first invocation only, as Lambda does (ColdStart metric, cold_start in logs)', async () => {
    // The invocation above was this function's first: its log line says cold_start true and a ColdStart metric was emitted.
    const before = authOff.output();
    expect(before).toMatch(/"cold_start":true/);
    expect(before.match(/"ColdStart":1/g)).toHaveLength(1);
    const answer = await postIdentify(
      { email: `warm.${uniqueTag()}@example.com` },
      { 'content-type': 'application/json' },
      { url: authOff.url, credentials: false },
    );
    expect(answer.status).toBe(200);
    await expect.poll(() => authOff.output().slice(before.length), { timeout: 5_000 }).toMatch(/"cold_start":false/);
    expect(authOff.output().match(/"cold_start":true/g)).toHaveLength(1);
    expect(authOff.output().match(/"ColdStart":1/g)).toHaveLength(1);
  });

  it('keeps answering while `npm run package` builds beside it (separate build folders)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'identify-package-'));
    try {
      await promisify(execFile)('npm', ['run', 'package', '--silent', '--', '--package', out], { cwd: PROJECT_ROOT, timeout: 170_000 });
      expect(readdirSync(out)).toContain('identify.zip');
      // The running stack's bundle is still there: the in-process handler has it loaded already, but a
      // restart of serverless-offline's function (or a worker-thread runner) would read it again.
      const lambdaPort = Number(/127\.0\.0\.1:(\d+)\/2015-03-31/.exec(open.output())![1]);
      expect(existsSync(join(PROJECT_ROOT, localBuildFolder(lambdaPort), '.build/functions/identify.mjs'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    const tag = uniqueTag();
    const answer = await postIdentify({ email: `packaged.${tag}@example.com` }, { 'content-type': 'application/json' }, { url: open.url });
    expect(answer.status).toBe(200);
    expect(await rowsTagged(tag)).toHaveLength(1);
  }, 180_000);

  it('a second `npm start` on the same ports names PORT, the one the README documents, and starts nothing', async () => {
    const port = (pattern: RegExp) => pattern.exec(open.output())![1]!;
    const env = {
      PORT: port(/POST http:\/\/127\.0\.0\.1:(\d+)\/identify/),
      LAMBDA_PORT: port(/127\.0\.0\.1:(\d+)\/2015-03-31/),
      DATA_API_PORT: port(/Data API server\s+http:\/\/127\.0\.0\.1:(\d+)/),
    };
    const failure = (await promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, MYSQL_URL: stack().mysqlUrl, ...env },
    }).then(
      () => undefined,
      (error: unknown) => error,
    )) as { code: number; stderr: string } | undefined;
    expect(failure?.code).toBe(1);
    expect(failure!.stderr.trim()).toBe(`Port ${env.PORT} is already in use (is another \`npm start\` running?): stop it or set PORT to a free port`);
  });

  it('stops everything on SIGTERM to the npm process: every port closed, exit 0', async () => {
    for (const port of open.ports) expect(await canConnect(port), `port ${port} before`).toBe(true);
    open.child.kill('SIGTERM');
    expect(await open.exited).toBe(0);
    for (const port of open.ports) expect(await canConnect(port), `port ${port} after`).toBe(false);
  }, 30_000);
});

describe('the stack killed outright (SIGKILL: no chance to stop anything)', () => {
  it('leaves no serverless-offline behind: its Lambda port closes too', async () => {
    const started = await npmStart({}, true);
    const lambdaPort = Number(/127\.0\.0\.1:(\d+)\/2015-03-31\/functions/.exec(started.output())?.[1]);
    expect(started.ports).toContain(lambdaPort);
    expect(await canConnect(lambdaPort)).toBe(true);
    started.child.kill('SIGKILL');
    await started.exited;
    await expect.poll(() => canConnect(lambdaPort), { timeout: 15_000, interval: 250 }).toBe(false);
    await expect.poll(() => existsSync(join(PROJECT_ROOT, localBuildFolder(lambdaPort))), { timeout: 5_000, interval: 100 }).toBe(false);
  }, 120_000);
});

describe('npm killed outright (SIGKILL to the npm process, not the stack)', () => {
  it('the stack sees npm gone and stops as on SIGTERM: every port closed', async () => {
    const started = await npmStart({});
    for (const port of started.ports) expect(await canConnect(port), `port ${port} before`).toBe(true);
    started.child.kill('SIGKILL');
    await started.exited;
    for (const port of started.ports) {
      await expect.poll(() => canConnect(port), { timeout: 15_000, interval: 250, message: `port ${port} after` }).toBe(false);
    }
  }, 120_000);
});

describe('a bad setting', () => {
  it('PORT=abc is one line naming the variable, and a non-zero exit', async () => {
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], { cwd: PROJECT_ROOT, env: { ...process.env, PORT: 'abc' } });
    const failure = (await run.then(
      () => undefined,
      (error: unknown) => error,
    )) as { code: number; stdout: string; stderr: string } | undefined;
    expect(failure).toBeDefined();
    expect(failure!.code).not.toBe(0);
    expect(failure!.stderr.trim().split('\n')).toEqual(['PORT must be a port number from 0 to 65535 (0 picks a free one), not "abc"']);
    expect(failure!.stdout).toBe('');
  });
});
