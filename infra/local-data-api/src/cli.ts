import { type CliOptions, HELP, optionsFromArgs } from './cli-options.js';
import { LineWriter } from './log-lines.js';
import { checkMysql, describeMysqlUrl as describe, serverName } from './mysql-reachability.js';
import { type MysqlLink, startLocalDataApi } from './server.js';

/** The `local-data-api` command: the local RDS Data API server on its own, in the foreground until Ctrl-C or SIGTERM. Flags: cli-options.ts, or --help. */

function databaseLine(database: string | undefined, exists: boolean): string {
  if (database === undefined) return '(none: requests name one with `database`, or pass --database)';
  return exists ? database : `${database} (does not exist yet: CREATE DATABASE it, or pass --database)`;
}

/** The link in use, and how to change it. */
function linkLine(link: MysqlLink, mysqlUrl: string): string {
  if (link === 'tcp') return 'tcp';
  return new URL(mysqlUrl).searchParams.has('socketPath') ? `${link} (the URL's socketPath)` : `${link} (--no-socket for TCP)`;
}

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
    ({ version, databaseExists = true } = await checkMysql(mysqlUrl, {
      setting: process.argv.some((arg) => arg.startsWith('--mysql-url')) ? '--mysql-url' : 'MYSQL_URL',
      database: options.defaultDatabase,
    }));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }

  const quiet = options.quiet;
  const logLines = new LineWriter((text) => process.stdout.write(text));
  let server: Awaited<ReturnType<typeof startLocalDataApi>>;
  try {
    server = await startLocalDataApi({ ...serverOptions(options), log: quiet ? undefined : (line) => logLines.line(`${new Date().toISOString()} ${line}`) });
  } catch (error) {
    const e = error as { code?: string; message: string };
    console.error(
      e.code === 'EADDRINUSE'
        ? `Port ${options.port} on ${options.host} is already in use: stop what uses it or pass --port (0 picks a free one)`
        : `Could not start the local Data API server: ${e.message}`,
    );
    process.exit(1);
  }

  // Before the banner: whoever waits for it may signal at once.
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    logLines.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  const { accessKeyId, secretAccessKey } = options.credentials!;
  console.log(`Local RDS Data API is up in ${process.uptime().toFixed(1)} s
  listening on   ${server.url}
  database       ${databaseLine(options.defaultDatabase, databaseExists)} on ${describe(mysqlUrl)} (${serverName(version)})
  mysql link     ${linkLine(server.mysqlLink, mysqlUrl)}
  resourceArn    ${server.resourceArn}
  secretArn      ${server.secretArn}
  signatures     ${options.verifySignatures === false ? 'not checked (--no-verify-signatures)' : `checked: sign with ${accessKeyId} / ${secretAccessKey}`}
Point any AWS SDK at it:
  export AWS_ENDPOINT_URL_RDS_DATA=${server.url} AWS_REGION=${region} AWS_DEFAULT_REGION=${region} AWS_ACCESS_KEY_ID=${accessKeyId} AWS_SECRET_ACCESS_KEY=${secretAccessKey}
Ctrl-C (or SIGTERM) stops it.`);
}

await main();
