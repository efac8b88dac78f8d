import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

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
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const { stdout } = await promisify(execFile)(
    'unshare',
    ['-n', 'sh', '-c', `ip link set lo up && exec ${path}"${process.execPath}" --import tsx "${script}"`],
    {
      cwd: root,
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
