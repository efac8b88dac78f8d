import { HELP, optionsFromArgs, type CliOptions } from './cli-options.js';
import { startLocalDataApi } from './server.js';
import { checkMysql, describeMysqlUrl as describe } from './mysql-reachability.js';

/** `npm run data-api`: the local RDS Data API server on its own, in the foreground until Ctrl-C. Flags: cli-options.ts, or --help. */

function serverOptions(options: CliOptions) {
  const { quiet: _quiet, help: _help, ...rest } = options;
  return rest;
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = optionsFromArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const region = options.region;
  const mysqlUrl = options.mysqlUrl!;

  // Fail at once, in one line, when the database cannot be reached.
  let version = '';
  let databaseExists = true;
  try {
    ({ version, databaseExists = true } = await checkMysql(mysqlUrl, { setting: process.argv.some((arg) => arg.startsWith('--mysql-url')) ? '--mysql-url' : 'MYSQL_URL', database: options.defaultDatabase }));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }

  const quiet = options.quiet;
  let server;
  try {
    server = await startLocalDataApi({ ...serverOptions(options), log: quiet ? undefined : (line) => console.log(`${new Date().toISOString()} ${line}`) });
  } catch (error) {
    const e = error as { code?: string; message: string };
    console.error(
      e.code === 'EADDRINUSE'
        ? `Port ${options.port} on ${options.host} is already in use: stop what uses it or pass --port (0 picks a free one)`
        : `Could not start the local Data API server: ${e.message}`,
    );
    process.exit(1);
  }

  const { accessKeyId, secretAccessKey } = options.credentials!;
  console.log(`Local RDS Data API is up in ${process.uptime().toFixed(1)} s
  listening on   ${server.url}
  database       ${options.defaultDatabase}${databaseExists ? '' : ' (does not exist yet: CREATE DATABASE it, or pass --database)'} on ${describe(mysqlUrl)} (${version})
  resourceArn    ${server.resourceArn}
  secretArn      ${server.secretArn}
  signatures     ${options.verifySignatures === false ? 'not checked (--no-verify-signatures)' : `checked: sign with ${accessKeyId} / ${secretAccessKey}`}
Point any AWS SDK at it:
  export AWS_ENDPOINT_URL_RDS_DATA=${server.url} AWS_REGION=${region} AWS_ACCESS_KEY_ID=${accessKeyId} AWS_SECRET_ACCESS_KEY=${secretAccessKey}
Ctrl-C stops it.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

await main();
