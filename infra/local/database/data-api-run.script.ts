import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { LOCAL_DEFAULTS } from 'local-data-api';
import { PROJECT_ROOT } from '../project-root.js';
import { localMysqlDir } from './resolve-database.js';

/**
 * Run by private-server.int.test.ts inside a network namespace where nothing answers on
 * 127.0.0.1:3306 and MYSQL_URL is unset: `npm run data-api`, one statement through it with the SDK,
 * then SIGTERM to npm. Prints one JSON line with what it saw.
 */

// As a developer's shell has it: the test runner's Data API settings (ARNs, DB_NAME) stay out.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(DB_|DATA_API_)/.test(name)));
const child = spawn('npm', ['run', '--silent', 'data-api', '--', '--port', '0', '--quiet'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
const url = await new Promise<string>((resolve, reject) => {
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    const match = /listening on\s+(http:\/\/\S+)/.exec(output);
    if (match) resolve(match[1]!);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  void exited.then(() => reject(new Error(output)));
});
const client = new RDSDataClient({ endpoint: url, region: LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials });
const answer = await client.send(
  new ExecuteStatementCommand({ resourceArn: LOCAL_DEFAULTS.resourceArn, secretArn: LOCAL_DEFAULTS.secretArn, sql: 'SELECT DATABASE()' }),
);
client.destroy();
child.kill('SIGTERM');
const code = await exited;
console.log(
  JSON.stringify({
    output,
    database: answer.records?.[0]?.[0]?.stringValue,
    code,
    instanceLeft: existsSync(join(localMysqlDir().dir, 'instance.json')),
  }),
);
