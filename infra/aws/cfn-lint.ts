import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { EXAMPLE_JWT_PARAMS, PackagingWorkspace } from './package-stage.js';

/**
 * `npm run lint:cfn` (part of `npm run lint`): cfn-lint, AWS's CloudFormation linter, on the
 * templates `npm run package` writes for dev, prod and a JWT stage. It must report nothing: fix the
 * cause, or suppress a genuine false positive in the template with its rule id and a reason. Where
 * cfn-lint is not installed, one line says so and how to install it, and the step is skipped.
 */

const STAGES: { name: string; stage: string; extra: string[] }[] = [
  { name: 'dev', stage: 'dev', extra: [] },
  { name: 'prod', stage: 'prod', extra: [] },
  { name: 'jwt', stage: 'dev', extra: EXAMPLE_JWT_PARAMS },
];
const TEMPLATES = ['cloudformation-template-create-stack.json', 'cloudformation-template-update-stack.json'];

const version = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
if (version.error) {
  console.log('cfn-lint is not installed: skipping the CloudFormation lint of the packaged templates (install it with `pip install cfn-lint`).');
  process.exit(0);
}

const workspace = new PackagingWorkspace();
let failed = false;
try {
  for (const { name, stage, extra } of STAGES) {
    const dir = await workspace.package(stage, ...extra);
    const lint = spawnSync('cfn-lint', ['--', ...TEMPLATES.map((file) => join(dir, file))], { encoding: 'utf8' });
    const findings = `${lint.stdout}${lint.stderr}`.trim();
    if (lint.status === 0 && !findings) {
      console.log(`${version.stdout.trim()} on the ${name} templates: nothing to report`);
    } else {
      failed = true;
      console.log(`${version.stdout.trim()} on the ${name} templates (exit ${lint.status}):\n${findings}`);
    }
  }
} finally {
  workspace.remove();
}
process.exit(failed ? 1 : 0);
