import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Database } from './database/database.js';
import { resolveDatabase } from './database/resolve-database.js';
import { DatabaseUnreachable, ensureDatabase } from './mysql.js';
import { whenReparented } from './parent-watch.js';

/**
 * `npm run data-api`: the workspace package's `local-data-api` command, with this project's database
 * name (DB_NAME, default identify) on the server `npm start` would use: MYSQL_URL or --mysql-url when
 * given, else 127.0.0.1:3306, else the private instance (infra/local/database/resolve-database.ts), stopped
 * when the command stops. Every flag passes through (`npm run data-api -- --help`).
 */

const packageJson = createRequire(import.meta.url).resolve('local-data-api/package.json');
const BIN = join(dirname(packageJson), 'bin', 'local-data-api.js');

const args = process.argv.slice(2);
const dbName = process.env.DB_NAME || 'identify';
const env: NodeJS.ProcessEnv = { ...process.env, DB_NAME: dbName };
const urlGiven = Boolean(env.MYSQL_URL) || args.some((arg) => arg.startsWith('--mysql-url'));
const helpOnly = args.includes('--help') || args.includes('-h');

let database: Database | undefined;
if (!urlGiven && !helpOnly) {
  try {
    database = await resolveDatabase(undefined, (line) => console.log(line));
    env.MYSQL_URL = database.mysqlUrl;
    await ensureDatabase(database.mysqlUrl, dbName);
  } catch (error) {
    await database?.stop();
    console.error(error instanceof DatabaseUnreachable ? error.message : `Could not start the local Data API server: ${(error as Error).message}`);
    process.exit(1);
  }
}

const child = spawn(process.execPath, [BIN, ...args], { env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
child.once('exit', async (code) => {
  await database?.stop();
  process.exit(code ?? 1);
});
whenReparented(() => child.kill('SIGTERM'));
