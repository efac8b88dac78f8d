import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../project-root.js';

/**
 * Runs a TypeScript script in a network namespace of its own (`unshare -n`, loopback up): nothing
 * answers on 127.0.0.1:3306 there and nothing outside can be reached, and the shared server is untouched.
 * Needs root (or unprivileged user namespaces); tests only.
 */
export async function runInEmptyNetwork(
  script: string,
  env: Record<string, string>,
  options: { path?: string; timeoutMs?: number; killed?: boolean } = {},
): Promise<unknown> {
  // PATH applies to the script only: the shell still needs `ip`.
  const path = options.path === undefined ? '' : `env PATH="${options.path}" `;
  const { stdout } = await promisify(execFile)(
    'unshare',
    ['-n', 'sh', '-c', `ip link set lo up && exec ${path}"${process.execPath}" --import tsx "${script}"`],
    {
      cwd: PROJECT_ROOT,
      timeout: options.timeoutMs ?? 60_000,
      env: { ...process.env, MYSQL_URL: '', ...env },
    },
  ).catch((error: { signal?: string; stdout: string }) => {
    // A script that ends by SIGKILL on purpose (options.killed) still reports what it printed first.
    if (options.killed && error.signal === 'SIGKILL') return error;
    throw error;
  });
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last);
}
