import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * `npm run package` for a stage, as a machine with no AWS account runs it, in a copy of the project
 * (node_modules linked) in a temporary folder: the checkout gets no .esbuild/ or .serverless/, and a
 * running `npm start` or end-to-end test never meets this build's esbuild work folder.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROJECT_ENTRIES = ['serverless.yml', 'package.json', 'tsconfig.json', 'functions', 'lib', 'infra/aws'];
const run = promisify(execFile);

/**
 * The JWT choice as an operator makes it at deploy time (docs/DEPLOY.md), for a generic OAuth2 provider:
 * each route's scope is serverless.yml's default jwtScopePrefix (identify/) and the route's name.
 */
export const EXAMPLE_JWT = {
  issuer: 'https://auth.example.com/',
  audiences: ['https://identify.example.com', 'identify-backends'],
};
export const EXAMPLE_JWT_PARAMS = [
  '--param=authorizer=jwt',
  `--param=jwtIssuer=${EXAMPLE_JWT.issuer}`,
  `--param=jwtAudience=${EXAMPLE_JWT.audiences.join(', ')}`,
];

/** The environment of a machine with no AWS account: no keys, no profile, no config files. */
export function withoutAws(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('AWS_')));
  return { ...clean, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
}

export class PackagingWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'identify-package-'));
  private readonly project = join(this.dir, 'project');
  private packaged = 0;

  constructor() {
    for (const entry of PROJECT_ENTRIES) {
      cpSync(join(ROOT, entry), join(this.project, entry), { recursive: true, filter: (source) => !/\.test\.ts$/.test(source) });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(this.project, 'node_modules'), 'dir');
  }

  /** Packages `stage` with the extra command-line options; resolves to the folder holding the templates and zips. */
  async package(stage: string, ...extra: string[]): Promise<string> {
    const out = join(this.dir, `out-${++this.packaged}-${stage}`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    await run(npm, ['run', 'package', '--', '--stage', stage, '--package', out, ...extra], {
      cwd: this.project,
      env: withoutAws(process.env),
      timeout: 60_000,
    });
    return out;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
