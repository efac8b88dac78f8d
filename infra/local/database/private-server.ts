import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkMysql, DatabaseUnreachable } from 'local-data-api/mysql';
import { freePort } from '../ports.js';
import type { Database } from './database.js';
import type { ServerBinary } from './server-binary.js';

/**
 * A private MySQL/MariaDB server from an installed binary: its own data directory, socket, pid file
 * and log in one folder (by default .local/mysql), bound to 127.0.0.1 on a free port, initialised on
 * first use and kept between runs. Whoever starts it stops it (SIGTERM, then waits for it to exit).
 */

export interface PrivateServerOptions {
  binary: ServerBinary;
  /** The folder that holds everything of this instance. */
  dir: string;
  /** How the folder is shown to the user (e.g. `.local/mysql`). */
  shownDir: string;
  log: (line: string) => void;
  readyTimeoutMs?: number;
}

interface InstanceRecord {
  serverPid: number;
  port: number;
  ownerPid: number;
}

const isRoot = () => process.getuid?.() === 0;
// mariadbd and mysqld refuse to run as root unless told to; as another user --user is only a warning.
const userArgs = () => (isRoot() ? ['--user=root'] : []);

function layout(dir: string) {
  return {
    data: join(dir, 'data'),
    socket: join(dir, 'mysqld.sock'),
    pidFile: join(dir, 'mysqld.pid'),
    errorLog: join(dir, 'error.log'),
    record: join(dir, 'instance.json'),
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

async function readRecord(path: string): Promise<InstanceRecord | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as InstanceRecord;
  } catch {
    return undefined;
  }
}

async function initialise(options: PrivateServerOptions): Promise<void> {
  const paths = layout(options.dir);
  if (existsSync(join(paths.data, 'mysql'))) return;
  const { binary } = options;
  options.log(`[mysql] initialising a ${binary.flavor} ${binary.version} data directory in ${options.shownDir} (first use only)`);
  await rm(paths.data, { recursive: true, force: true });
  await mkdir(paths.data, { recursive: true });
  const [command, args] =
    binary.flavor === 'MariaDB'
      ? [binary.installDb!, ['--no-defaults', `--datadir=${paths.data}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...userArgs()]]
      : [binary.path, ['--no-defaults', `--datadir=${paths.data}`, '--initialize-insecure', ...userArgs()]];
  try {
    await promisify(execFile)(command, args, { cwd: options.dir });
  } catch (error) {
    await rm(paths.data, { recursive: true, force: true });
    const detail = String((error as { stderr?: string }).stderr || (error as Error).message)
      .trim()
      .split('\n')
      .pop();
    throw new DatabaseUnreachable(`Could not initialise a private ${binary.flavor} data directory in ${options.shownDir} (${detail})`, 'refused');
  }
}

function serverArgs(binary: ServerBinary, paths: ReturnType<typeof layout>, port: number): string[] {
  return [
    '--no-defaults',
    `--datadir=${paths.data}`,
    `--socket=${paths.socket}`,
    `--pid-file=${paths.pidFile}`,
    `--log-error=${paths.errorLog}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    // utf8mb4 as Aurora MySQL 3. innodb_autoinc_lock_mode stays the server's default (MariaDB 1,
    // MySQL 8 2): with 2 on MariaDB the fault tests' severed connections leave locks held for 50 s.
    '--character-set-server=utf8mb4',
    // MySQL 8's X plugin would otherwise listen on 33060 on every interface. MariaDB would look up
    // every client's host name (slow or hanging without DNS); its install script also made root@127.0.0.1.
    ...(binary.flavor === 'MySQL' ? ['--mysqlx=OFF'] : ['--skip-name-resolve']),
    ...userArgs(),
  ];
}

async function lastLogLine(errorLog: string): Promise<string> {
  const text = await readFile(errorLog, 'utf8').catch(() => '');
  const lines = text
    .trim()
    .split('\n')
    .filter((line) => /error/i.test(line));
  return (lines.pop() ?? text.trim().split('\n').pop() ?? '').trim();
}

async function waitUntilReady(mysqlUrl: string, exited: () => boolean, errorLog: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited()) {
      throw new DatabaseUnreachable(`The private MySQL/MariaDB server exited at start-up (${await lastLogLine(errorLog)}); its log: ${errorLog}`, 'refused');
    }
    try {
      return (await checkMysql(mysqlUrl, { connectTimeoutMs: 1_000 })).version;
    } catch (error) {
      if ((error as DatabaseUnreachable).problem !== 'unreachable') throw error;
      if (Date.now() > deadline)
        throw new DatabaseUnreachable(`The private MySQL/MariaDB server did not answer within ${timeoutMs / 1000} s; its log: ${errorLog}`, 'unreachable');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function stopProcess(pid: number, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolveStop) => {
    if (!isAlive(pid)) return resolveStop();
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + timeoutMs;
    const poll = setInterval(() => {
      if (isAlive(pid) && Date.now() < deadline) return;
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      clearInterval(poll);
      resolveStop();
    }, 50);
  });
}

function describe(binary: ServerBinary, version: string, shownDir: string, port: number, note = ''): string {
  const shown = version.split('-')[0] || binary.version;
  return `${binary.flavor} ${shown}, private instance on 127.0.0.1:${port}${note}, data in ${shownDir}`;
}

/** An instance another run of this project left running on the same folder: used, and stopped only if its starter is gone. */
async function runningInstance(options: PrivateServerOptions): Promise<Database | undefined> {
  const paths = layout(options.dir);
  const record = await readRecord(paths.record);
  if (record === undefined || !isAlive(record.serverPid)) return undefined;
  const mysqlUrl = `mysql://root@127.0.0.1:${record.port}`;
  const version = await waitUntilReady(mysqlUrl, () => !isAlive(record.serverPid), paths.errorLog, options.readyTimeoutMs ?? 30_000);
  const orphan = !isAlive(record.ownerPid);
  if (orphan) {
    await writeFile(paths.record, JSON.stringify({ ...record, ownerPid: process.pid }));
    guardServer(record.serverPid, paths.record);
  }
  return {
    mysqlUrl,
    description: describe(
      options.binary,
      version,
      options.shownDir,
      record.port,
      orphan ? '' : ` (shared with the run that started it, pid ${record.ownerPid})`,
    ),
    stop: orphan ? () => stopProcess(record.serverPid) : async () => {},
  };
}

const SERVER_GUARD = fileURLToPath(new URL('./server-guard.cjs', import.meta.url));

/** A watcher that stops the server once this process is gone, however it went (server-guard.cjs). */
function guardServer(serverPid: number, recordPath: string): void {
  const guard = spawn(process.execPath, [SERVER_GUARD, String(process.pid), String(serverPid), recordPath], { detached: true, stdio: 'ignore' });
  guard.on('error', () => {}); // without a guard the server still stops with the stack, as before
  guard.unref();
}

export async function startPrivateServer(options: PrivateServerOptions): Promise<Database> {
  const paths = layout(options.dir);
  await mkdir(options.dir, { recursive: true });
  const running = await runningInstance(options);
  if (running) return running;
  await initialise(options);
  const port = await freePort();
  // Its own process group: Ctrl-C in the terminal reaches npm start, which stops the server last, in order.
  const child = spawn(options.binary.path, serverArgs(options.binary, paths, port), { cwd: options.dir, detached: true, stdio: 'ignore' });
  child.unref();
  child.on('error', () => {}); // a spawn failure shows as a missing pid, below
  const serverPid = child.pid;
  if (serverPid === undefined) throw new DatabaseUnreachable(`Could not run ${options.binary.path}`, 'refused');
  await writeFile(paths.record, JSON.stringify({ serverPid, port, ownerPid: process.pid } satisfies InstanceRecord));
  guardServer(serverPid, paths.record);
  const mysqlUrl = `mysql://root@127.0.0.1:${port}`;
  const stop = async () => {
    await stopProcess(serverPid);
    await rm(paths.record, { force: true });
  };
  try {
    const version = await waitUntilReady(
      mysqlUrl,
      () => child.exitCode !== null || child.signalCode !== null,
      paths.errorLog,
      options.readyTimeoutMs ?? 30_000,
    );
    return { mysqlUrl, description: describe(options.binary, version, options.shownDir, port), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
