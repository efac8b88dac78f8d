import { describe, expect, it } from 'vitest';
import { HELP, optionsFromArgs } from './cli-options.js';
import { AURORA_SQL_MODE, LOCAL_DEFAULTS } from './server.js';

describe('the flags and environment of npm run data-api', () => {
  it('defaults to neutral names, no database of any application', () => {
    const options = optionsFromArgs([], {});
    expect(options.defaultDatabase).toBeUndefined();
    expect(LOCAL_DEFAULTS.resourceArn).toBe('arn:aws:rds:us-east-1:000000000000:cluster:local');
    expect(LOCAL_DEFAULTS.secretArn).toBe('arn:aws:secretsmanager:us-east-1:000000000000:secret:local');
    expect(options).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      mysqlUrl: LOCAL_DEFAULTS.mysqlUrl,
      resourceArn: LOCAL_DEFAULTS.resourceArn,
      secretArn: LOCAL_DEFAULTS.secretArn,
      credentials: LOCAL_DEFAULTS.credentials,
      verifySignatures: true,
      preferSocket: LOCAL_DEFAULTS.preferSocket,
      quiet: false,
    });
    expect(LOCAL_DEFAULTS.preferSocket).toBe(true);
  });

  it('takes the environment, and flags over it', () => {
    const env = {
      DATA_API_PORT: '9000',
      MYSQL_URL: 'mysql://u:p@db:3307',
      DB_NAME: 'shop',
      DATA_API_VERIFY_SIGNATURES: '0',
      DATA_API_TRANSACTION_IDLE_MS: '5000',
    };
    expect(optionsFromArgs([], env)).toMatchObject({
      port: 9000,
      mysqlUrl: 'mysql://u:p@db:3307',
      defaultDatabase: 'shop',
      verifySignatures: false,
      transactionIdleMs: 5000,
    });
    expect(optionsFromArgs(['--port', '0', '--database', 'other', '--verify-signatures', '--sql-mode', 'server'], env)).toMatchObject({
      port: 0,
      defaultDatabase: 'other',
      verifySignatures: true,
      sqlMode: null,
    });
    expect(optionsFromArgs(['--no-verify-signatures'], {}).verifySignatures).toBe(false);
  });

  it('turns the Unix socket off with --no-socket or DATA_API_SOCKET=0, and back on with --socket', () => {
    expect(optionsFromArgs(['--no-socket'], {}).preferSocket).toBe(false);
    expect(optionsFromArgs([], { DATA_API_SOCKET: '0' }).preferSocket).toBe(false);
    expect(optionsFromArgs([], { DATA_API_SOCKET: 'off' }).preferSocket).toBe(false);
    expect(optionsFromArgs([], { DATA_API_SOCKET: '1' }).preferSocket).toBe(true);
    expect(optionsFromArgs(['--socket'], { DATA_API_SOCKET: '0' }).preferSocket).toBe(true);
    expect(HELP).toMatch(/^ {2}--no-socket +.*\[DATA_API_SOCKET=0\]$/m);
  });

  it('refuses bad values and unknown flags', () => {
    expect(() => optionsFromArgs(['--port', 'eighty'], {})).toThrow(/--port/);
    expect(() => optionsFromArgs(['--port', '70000'], {})).toThrow(/--port/);
    expect(() => optionsFromArgs(['--frobnicate'], {})).toThrow();
  });

  it('shows in its help the defaults the server uses, from the one defaults object', () => {
    for (const value of [
      LOCAL_DEFAULTS.host,
      LOCAL_DEFAULTS.port,
      LOCAL_DEFAULTS.mysqlUrl,
      LOCAL_DEFAULTS.resourceArn,
      LOCAL_DEFAULTS.secretArn,
      LOCAL_DEFAULTS.region,
      `${LOCAL_DEFAULTS.credentials.accessKeyId} / ${LOCAL_DEFAULTS.credentials.secretAccessKey}`,
      LOCAL_DEFAULTS.transactionIdleMs,
      LOCAL_DEFAULTS.transactionMaxLifetimeMs,
      LOCAL_DEFAULTS.statementTimeoutMs,
      LOCAL_DEFAULTS.maxRequestBytes,
      LOCAL_DEFAULTS.maxResponseBytes,
      LOCAL_DEFAULTS.maxFormattedRecordsBytes,
    ]) {
      expect(HELP).toContain(`(default ${value})`);
    }
    expect(HELP).toContain(`(default Aurora MySQL 3's: ${AURORA_SQL_MODE})`);
    expect(HELP).toContain('(default the Unix socket of a server on loopback, when it leads to the same server;');
    expect(HELP).not.toMatch(/identify/);
  });
});
