/**
 * Every default of the local Data API server, in one place: the server (options.ts) and the CLI's
 * help text (cli-options.ts) both read them from here. The names are neutral: a project passes
 * its own database, ARNs and port in.
 */

/** Aurora MySQL 3's (MySQL 8.0's) default sql_mode; MariaDB's default is laxer. */
export const AURORA_SQL_MODE = 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

const defaults = {
  host: '127.0.0.1',
  port: 8080,
  mysqlUrl: 'mysql://root@127.0.0.1:3306',
  /** Reach a MySQL server on this machine (a loopback URL) through its Unix socket when it has one (mysql-socket.ts). */
  preferSocket: true,
  /** The one cluster the server serves (000000000000: the account id local AWS emulators use). */
  resourceArn: 'arn:aws:rds:us-east-1:000000000000:cluster:local',
  secretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  region: 'us-east-1',
  verifySignatures: true,
  /** How far a request's X-Amz-Date may be from the server's clock (AWS: 5 minutes). */
  maxClockSkewMs: 5 * 60_000,
  /** AWS: 3 minutes. */
  transactionIdleMs: 180_000,
  /** AWS: 24 hours. */
  transactionMaxLifetimeMs: 86_400_000,
  statementTimeoutMs: 45_000,
  /** MySQL connections per database. */
  poolSize: 64,
  /** AWS: 4 MiB, headers and JSON body. */
  maxRequestBytes: 4 * 1024 * 1024,
  /** AWS: 1 MiB of records. */
  maxResponseBytes: 1024 * 1024,
  /** AWS: 10 MB of formattedRecords. */
  maxFormattedRecordsBytes: 10 * 1024 * 1024,
  sqlMode: AURORA_SQL_MODE as string | null,
};

export const LOCAL_DEFAULTS: Readonly<typeof defaults> = Object.freeze(defaults);
