import { parseArgs } from 'node:util';
import { AURORA_SQL_MODE, LOCAL_DEFAULTS } from './defaults.js';
import type { LocalDataApiOptions } from './options.js';

/** The flags and environment variables of the `local-data-api` command (cli.ts). Flags win over the environment, which wins over LOCAL_DEFAULTS. */

const D = LOCAL_DEFAULTS;

export const HELP = `Usage: local-data-api [options]

A local stand-in for the Amazon RDS Data API (Aurora MySQL) in front of MySQL/MariaDB.

Options (environment variable in brackets):
  --host <host>                 address to listen on [DATA_API_HOST] (default ${D.host})
  --port <port>                 port, 0 for any free one [DATA_API_PORT] (default ${D.port})
  --mysql-url <url>             the MySQL/MariaDB server [MYSQL_URL] (default ${D.mysqlUrl})
  --no-socket                   TCP as the URL says, never the server's Unix socket [DATA_API_SOCKET=0]
                                (default ${D.preferSocket ? 'the Unix socket of a server on loopback, when it leads to the same server' : 'TCP'};
                                a socketPath in the URL, ?socketPath=%2Frun%2Fmysqld%2Fmysqld.sock, always wins)
  --database <name>             database for requests that name none [DB_NAME] (default none)
  --resource-arn <arn>          the cluster ARN clients must send [DB_CLUSTER_ARN]
                                (default ${D.resourceArn})
  --secret-arn <arn>            the secret ARN clients must send [DB_SECRET_ARN]
                                (default ${D.secretArn})
  --region <region>             region shown in the hints [DATA_API_REGION] (default ${D.region})
  --access-key-id <id>          credentials that requests must be signed with [DATA_API_ACCESS_KEY_ID]
  --secret-access-key <key>     [DATA_API_SECRET_ACCESS_KEY] (default ${D.credentials.accessKeyId} / ${D.credentials.secretAccessKey})
  --no-verify-signatures        accept unsigned requests, for clients that cannot sign [DATA_API_VERIFY_SIGNATURES=0]
  --transaction-idle-ms <ms>    roll back transactions idle this long [DATA_API_TRANSACTION_IDLE_MS] (default ${D.transactionIdleMs})
  --transaction-lifetime-ms <ms> roll back transactions older than this [DATA_API_TRANSACTION_LIFETIME_MS] (default ${D.transactionMaxLifetimeMs})
  --statement-timeout-ms <ms>   cancel statements running longer, 0 for never [DATA_API_STATEMENT_TIMEOUT_MS] (default ${D.statementTimeoutMs})
  --max-request-bytes <n>       [DATA_API_MAX_REQUEST_BYTES] (default ${D.maxRequestBytes})
  --max-response-bytes <n>      [DATA_API_MAX_RESPONSE_BYTES] (default ${D.maxResponseBytes})
  --max-formatted-records-bytes <n>  limit of formattedRecords [DATA_API_MAX_FORMATTED_RECORDS_BYTES] (default ${D.maxFormattedRecordsBytes})
  --sql-mode <mode>             sql_mode of every session, "server" for the server's own [DATA_API_SQL_MODE]
                                (default Aurora MySQL 3's: ${AURORA_SQL_MODE})
  --quiet                       no line per call [DATA_API_QUIET=1]
  -h, --help                    this help
`;

export type CliOptions = LocalDataApiOptions & { quiet: boolean; region: string; help: boolean };

export function optionsFromArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'mysql-url': { type: 'string' },
      socket: { type: 'boolean' },
      'no-socket': { type: 'boolean' },
      database: { type: 'string' },
      'resource-arn': { type: 'string' },
      'secret-arn': { type: 'string' },
      region: { type: 'string' },
      'access-key-id': { type: 'string' },
      'secret-access-key': { type: 'string' },
      'verify-signatures': { type: 'boolean' },
      'no-verify-signatures': { type: 'boolean' },
      'transaction-idle-ms': { type: 'string' },
      'transaction-lifetime-ms': { type: 'string' },
      'statement-timeout-ms': { type: 'string' },
      'max-request-bytes': { type: 'string' },
      'max-response-bytes': { type: 'string' },
      'max-formatted-records-bytes': { type: 'string' },
      'sql-mode': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const pick = (flag: string | undefined, ...names: string[]) => flag ?? names.map((name) => env[name]).find((v) => v !== undefined && v !== '');
  const int = (name: string, raw: string | undefined): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number of 0 or more, not "${raw}"`);
    return n;
  };
  const port = int('--port', pick(values.port, 'DATA_API_PORT'));
  if (port !== undefined && port > 65_535) throw new Error(`--port must be a port number, not ${port}`);
  /** --no-x, then --x, then the environment variable (0, false, no, off: off), then the default. */
  const onOff = (on: boolean | undefined, off: boolean | undefined, envValue: string | undefined, fallback: boolean): boolean => {
    if (off) return false;
    if (on) return true;
    return envValue ? !/^(0|false|no|off)$/i.test(envValue) : fallback;
  };
  const verifySignatures = onOff(values['verify-signatures'], values['no-verify-signatures'], env.DATA_API_VERIFY_SIGNATURES, D.verifySignatures);
  const preferSocket = onOff(values.socket, values['no-socket'], env.DATA_API_SOCKET, D.preferSocket);
  const accessKeyId = pick(values['access-key-id'], 'DATA_API_ACCESS_KEY_ID') ?? D.credentials.accessKeyId;
  const secretAccessKey = pick(values['secret-access-key'], 'DATA_API_SECRET_ACCESS_KEY') ?? D.credentials.secretAccessKey;
  const sqlMode = pick(values['sql-mode'], 'DATA_API_SQL_MODE');
  return {
    host: pick(values.host, 'DATA_API_HOST') ?? D.host,
    port: port ?? D.port,
    mysqlUrl: pick(values['mysql-url'], 'MYSQL_URL') ?? D.mysqlUrl,
    preferSocket,
    defaultDatabase: pick(values.database, 'DB_NAME'),
    resourceArn: pick(values['resource-arn'], 'DB_CLUSTER_ARN') ?? D.resourceArn,
    secretArn: pick(values['secret-arn'], 'DB_SECRET_ARN') ?? D.secretArn,
    credentials: { accessKeyId, secretAccessKey },
    verifySignatures,
    transactionIdleMs: int('--transaction-idle-ms', pick(values['transaction-idle-ms'], 'DATA_API_TRANSACTION_IDLE_MS')),
    transactionMaxLifetimeMs: int('--transaction-lifetime-ms', pick(values['transaction-lifetime-ms'], 'DATA_API_TRANSACTION_LIFETIME_MS')),
    statementTimeoutMs: int('--statement-timeout-ms', pick(values['statement-timeout-ms'], 'DATA_API_STATEMENT_TIMEOUT_MS')),
    maxRequestBytes: int('--max-request-bytes', pick(values['max-request-bytes'], 'DATA_API_MAX_REQUEST_BYTES')),
    maxResponseBytes: int('--max-response-bytes', pick(values['max-response-bytes'], 'DATA_API_MAX_RESPONSE_BYTES')),
    maxFormattedRecordsBytes: int('--max-formatted-records-bytes', pick(values['max-formatted-records-bytes'], 'DATA_API_MAX_FORMATTED_RECORDS_BYTES')),
    sqlMode: sqlMode === undefined ? undefined : sqlMode === 'server' ? null : sqlMode,
    region: pick(values.region, 'DATA_API_REGION') ?? D.region,
    quiet: Boolean(values.quiet) || env.DATA_API_QUIET === '1',
    help: Boolean(values.help),
  };
}
