import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkloadRequest } from './overlapping-workload.js';
import type { WorkerResult } from './worker.js';

/** A pool of worker processes, each one handler instance: the checker's many Lambdas. */
export interface Workers {
  /** Splits `requests` round-robin over the processes; each fires its share at `width / processes`. */
  run(requests: WorkloadRequest[], width: number): Promise<WorkerResult[]>;
  stop(): Promise<void>;
}

export async function startWorkers(count: number, env: Record<string, string>): Promise<Workers> {
  const script = fileURLToPath(new URL('./worker.ts', import.meta.url));
  const children: ChildProcess[] = Array.from({ length: count }, () =>
    fork(script, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...env, POWERTOOLS_LOG_LEVEL: process.env.CHECKER_LOG_LEVEL ?? 'SILENT' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  await Promise.all(children.map((child) => request(child, { env }, 'ready')));
  return {
    async run(requests, width) {
      const lanes = Math.max(1, Math.ceil(width / count));
      const shares = children.map((_, i) => requests.filter((_, j) => j % count === i));
      const answers = await Promise.all(children.map((child, i) => request(child, { requests: shares[i], width: lanes }, 'results')));
      return answers.flatMap((answer) => answer.results as WorkerResult[]);
    },
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

function request(child: ChildProcess, message: unknown, expect: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const onMessage = (answer: any) => {
      if (!(expect in answer)) return;
      cleanup();
      resolve(answer);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`worker exited with code ${code}`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(message as any);
  });
}
