import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertPortFree, freePort, waitForPorts } from './ports.js';

/**
 * serverless-offline as the local Lambda service: it builds the function with serverless-esbuild and
 * runs it behind its Lambda invoke endpoint. The local stage declares no httpApi routes, so it opens
 * no HTTP API port of its own: the gateway stand-in (infra/local/gateway/) is the HTTP front.
 */

export interface Offline {
  lambdaPort: number;
  stop(): Promise<void>;
}

/**
 * What Lambda tells a function about its environment that serverless-offline leaves out. Powertools
 * counts a cold start only when AWS_LAMBDA_INITIALIZATION_TYPE is `on-demand`
 * (@aws-lambda-powertools/commons Utility), and serverless-offline copies every AWS_* variable over.
 */
const LAMBDA_RUNTIME_ENV = { AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' } as const;

/** Ends serverless-offline's process when the stack that started it is gone without stopping it. */
const ORPHAN_GUARD = fileURLToPath(new URL('./offline-orphan-guard.cjs', import.meta.url));

/** Where serverless-esbuild builds the function for the stack whose Lambda invoke port is `lambdaPort`. */
export function localBuildFolder(lambdaPort: number): string {
  return `.esbuild-local/${lambdaPort}`;
}

export async function startServerlessOffline(options: {
  projectRoot: string;
  lambdaPort: number;
  env: Record<string, string>;
  /** Where its output goes, line by line. */
  log: (line: string) => void;
  /** Whether to read stdout too; without it the handler's per-request log lines are not even read. */
  stdout: boolean;
}): Promise<Offline> {
  const lambdaPort = options.lambdaPort || (await freePort());
  await assertPortFree(lambdaPort, 'LAMBDA_PORT');
  const cli = createRequire(import.meta.url).resolve('serverless/bin/serverless.js');
  // One build folder per running stack: stacks side by side (npm start and the tests) never rebuild
  // each other's bundle, and `npm run package` keeps to .esbuild/.
  const workFolder = localBuildFolder(lambdaPort);
  const child = spawn(process.execPath, ['--require', ORPHAN_GUARD, cli, 'offline', 'start', '--stage', 'local'], {
    cwd: options.projectRoot,
    env: {
      ...process.env,
      ...options.env,
      ...LAMBDA_RUNTIME_ENV,
      LAMBDA_PORT: String(lambdaPort),
      ESBUILD_WORK_FOLDER: workFolder,
      // No HTTP API of serverless-offline's own: the gateway stand-in is the front (serverless.yml).
      LOCAL_ROUTES: 'none',
      // No network here: keep the framework from phoning home or asking questions.
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      SLS_INTERACTIVE_SETUP_DISABLE: '1',
      SLS_DEPRECATION_DISABLE: '*',
      SERVERLESS_PLATFORM_STAGE: '',
      CI: '1',
      // serverless-offline logs a notice line per invocation ("(λ: identify) RequestId ... Duration"),
      // which this process would read only to drop: unless asked for the handler's output, the
      // framework logs warnings and errors only. A level set by the caller wins.
      SLS_LOG_LEVEL: process.env.SLS_LOG_LEVEL || (options.stdout ? 'notice' : 'warning'),
    },
    // Per request the handler writes a log line and a metrics line to stdout: piping them only to
    // drop them costs a read and a split per line in this process, under load.
    stdio: ['ignore', options.stdout ? 'pipe' : 'ignore', 'pipe'],
  });
  const recent: string[] = [];
  const onOutput = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      recent.push(line);
      if (recent.length > 200) recent.shift();
      options.log(line);
    }
  };
  child.stdout?.on('data', onOutput);
  child.stderr!.on('data', onOutput);

  const stop = async () => {
    await stopChild(child);
    rmSync(join(options.projectRoot, workFolder), { recursive: true, force: true });
  };
  try {
    await waitForPorts(child, [lambdaPort], 60_000);
  } catch (error) {
    await stop();
    throw new Error(`serverless-offline did not start: ${(error as Error).message}\n${recent.slice(-30).join('\n')}`);
  }
  return { lambdaPort, stop };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}
