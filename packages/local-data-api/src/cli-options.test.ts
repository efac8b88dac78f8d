import { describe, expect, it } from 'vitest';
import { optionsFromArgs } from './cli-options.js';
import { LOCAL_DEFAULTS } from './server.js';

describe('the flags and environment of npm run data-api', () => {
  it('defaults to the local stack', () => {
    const options = optionsFromArgs([], {});
    expect(options).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      mysqlUrl: LOCAL_DEFAULTS.mysqlUrl,
      defaultDatabase: 'identify',
      resourceArn: LOCAL_DEFAULTS.resourceArn,
      secretArn: LOCAL_DEFAULTS.secretArn,
      credentials: LOCAL_DEFAULTS.credentials,
      verifySignatures: true,
      quiet: false,
    });
  });

  it('takes the environment, and flags over it', () => {
    const env = { DATA_API_PORT: '9000', MYSQL_URL: 'mysql://u:p@db:3307', DB_NAME: 'shop', DATA_API_VERIFY_SIGNATURES: '0', DATA_API_TRANSACTION_IDLE_MS: '5000' };
    expect(optionsFromArgs([], env)).toMatchObject({ port: 9000, mysqlUrl: 'mysql://u:p@db:3307', defaultDatabase: 'shop', verifySignatures: false, transactionIdleMs: 5000 });
    expect(optionsFromArgs(['--port', '0', '--database', 'other', '--verify-signatures', '--sql-mode', 'server'], env)).toMatchObject({
      port: 0,
      defaultDatabase: 'other',
      verifySignatures: true,
      sqlMode: null,
    });
    expect(optionsFromArgs(['--no-verify-signatures'], {}).verifySignatures).toBe(false);
  });

  it('refuses bad values and unknown flags', () => {
    expect(() => optionsFromArgs(['--port', 'eighty'], {})).toThrow(/--port/);
    expect(() => optionsFromArgs(['--port', '70000'], {})).toThrow(/--port/);
    expect(() => optionsFromArgs(['--frobnicate'], {})).toThrow();
  });
});
