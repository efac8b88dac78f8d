import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformanceCheck } from './conformance-check.js';
import { LOCAL_DEFAULTS } from './server.js';
import { testDatabase } from './test-support.js';

// The `local-data-api` command started through npm as a user starts it (the package's `npm start`,
// which runs its bin), checked from outside with the AWS SDK alone.

let child: ChildProcess;
let output = '';
let url = '';
const resourceArn = 'arn:aws:rds:eu-west-1:111122223333:cluster:cli-check';
const secretArn = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:cli-check';
const credentials = { accessKeyId: 'clikey', secretAccessKey: 'clisecret' };

beforeAll(async () => {
  child = spawn('npm', ['run', '--silent', 'start', '--', '--port', '0', '--database', testDatabase().dbName, '--resource-arn', resourceArn], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    detached: true,
    env: {
      ...process.env,
      MYSQL_URL: testDatabase().mysqlUrl,
      DB_SECRET_ARN: secretArn,
      DATA_API_ACCESS_KEY_ID: credentials.accessKeyId,
      DATA_API_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local-data-api did not start within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on\s+(http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local-data-api exited with ${code}:\n${output}`));
    });
  });
});

afterAll(async () => {
  if (child?.pid && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
});

describe('the local-data-api command', () => {
  it('prints its endpoint, the ARNs and the SDK settings to use', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(output).toContain(`resourceArn    ${resourceArn}`);
    expect(output).toContain(`secretArn      ${secretArn}`);
    expect(output).toContain(`AWS_ENDPOINT_URL_RDS_DATA=${url}`);
    expect(output).toContain('AWS_ACCESS_KEY_ID=clikey AWS_SECRET_ACCESS_KEY=clisecret');
  });

  it('says which link to MySQL it uses: the Unix socket of the server on loopback', () => {
    expect(output).toMatch(/^ {2}mysql link {5}socket \/\S+ \(--no-socket for TCP\)$/m);
  });

  it('prints an export line with the region for the AWS CLI v1 (AWS_DEFAULT_REGION) and the SDKs (AWS_REGION)', () => {
    const exportLine = output.split('\n').find((line) => line.trim().startsWith('export '));
    expect(exportLine).toBeDefined();
    expect(exportLine).toContain(` AWS_REGION=${LOCAL_DEFAULTS.region} `);
    expect(exportLine).toContain(` AWS_DEFAULT_REGION=${LOCAL_DEFAULTS.region} `);
  });

  it('passes the conformance check run from outside with the AWS SDK', async () => {
    const report = await runConformanceCheck({ endpoint: url, region: 'eu-west-1', credentials, resourceArn, secretArn });
    expect(report.failed).toEqual([]);
    expect(report.passed.length).toBeGreaterThanOrEqual(10);
  });

  it('logs one line per call with the operation and its duration', async () => {
    await expect.poll(() => output, { timeout: 5_000 }).toMatch(/ExecuteStatement 200 \d+\.\d ms/);
    expect(output).toMatch(/BeginTransaction 200 \d+\.\d ms/);
    expect(output).toMatch(/ExecuteStatement 400 DatabaseErrorException \d+\.\d ms/);
    expect(output).toMatch(/ExecuteStatement 403 InvalidSignatureException \d+\.\d ms/);
  });
});
