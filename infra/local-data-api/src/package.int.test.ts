import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from './test-support.js';

// The package as others get it: `npm pack`, unpacked into an empty folder's node_modules beside only
// the dependencies its package.json declares (linked from this install: no registry needed), then its
// bin run from there. A file the code imports but `files` leaves out fails here, not for a user.

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8')) as {
  name: string;
  private?: boolean;
  license?: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};
let folder: string;
let installed: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'local-data-api-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', folder], { cwd: packageRoot });
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  installed = join(folder, 'node_modules', manifest.name);
  await mkdir(installed, { recursive: true });
  await run('tar', ['-xzf', join(folder, filename), '-C', installed, '--strip-components=1']);
  const require = createRequire(join(packageRoot, 'package.json'));
  for (const dependency of Object.keys(manifest.dependencies)) {
    const target = dirname(require.resolve(`${dependency}/package.json`));
    await mkdir(dirname(join(folder, 'node_modules', dependency)), { recursive: true });
    await symlink(target, join(folder, 'node_modules', dependency));
  }
}, 60_000);

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('is publishable: not private, licensed, a bin, no tests or test support inside', async () => {
    expect(manifest.private).toBeUndefined();
    expect(manifest.license).toBe('MIT');
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], { cwd: packageRoot });
    const files = (JSON.parse(stdout) as [{ files: { path: string }[] }])[0].files.map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', manifest.bin['local-data-api']!, 'src/cli.ts', 'src/server.ts']));
    expect(files.filter((path) => /\.test\.ts$|test-|vitest/.test(path))).toEqual([]);
  });

  it('runs its command from an empty folder: --help, then serves on a free port', async () => {
    const bin = join(installed, manifest.bin['local-data-api']!);
    const help = await run(process.execPath, [bin, '--help'], { cwd: folder });
    expect(help.stdout).toMatch(/^Usage: local-data-api \[options\]/);
    const child = spawn(process.execPath, [bin, '--port', '0', '--quiet'], { cwd: folder, env: { ...process.env, MYSQL_URL: testDatabase().mysqlUrl } });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await expect.poll(() => output, { timeout: 20_000 }).toMatch(/listening on\s+http:\/\/127\.0\.0\.1:\d+/);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);
});
