import { describe, expect, it } from 'vitest';
import { LOCAL_PRINCIPAL as principal } from './gateway/local-principal.js';
import { exampleCurl, offlineOutputFilter, startupLines } from './output.js';

describe('what npm start shows of serverless-offline', () => {
  const quiet = offlineOutputFilter(false);
  it("hides the banner, the framework's notices and the handler's routine log lines", () => {
    for (const line of [
      'Starting Offline at stage local (us-east-1)',
      'Offline [http for lambda] listening on http://127.0.0.1:3002',
      '   * identify: identify-local-identify',
      'Warning: Invalid configuration encountered',
      '(λ: identify) RequestId: 6805c59e  Duration: 361.68 ms  Billed Duration: 362 ms',
      '{"level":"INFO","message":"rejected","statusCode":415}',
      '[data-api] ExecuteStatement 200 47.8 ms',
    ]) {
      expect(quiet(line), line).toBe(false);
    }
  });

  it("shows errors, the handler's error log lines among them", () => {
    for (const line of ['✖ Unhandled exception in handler', 'Error: Cannot find module', '{"level":"ERROR","message":"unexpected failure"}']) {
      expect(quiet(line), line).toBe(true);
    }
  });

  it('shows everything with VERBOSE=1', () => {
    expect(offlineOutputFilter(true)('Starting Offline at stage local (us-east-1)')).toBe(true);
  });
});

describe('the example call npm start prints', () => {
  it('signs with curl --aws-sigv4 for execute-api when the check is on', () => {
    expect(exampleCurl({ url: 'http://127.0.0.1:3000', auth: true, principal })).toBe(
      `curl --aws-sigv4 "aws:amz:us-east-1:execute-api" --user local:local -H 'content-type: application/json' -d '{"email":"doc@hillvalley.edu"}' http://127.0.0.1:3000/identify`,
    );
  });

  it('sends unsigned when AUTH=none', () => {
    expect(exampleCurl({ url: 'http://127.0.0.1:3000', auth: false, principal })).not.toMatch(/sigv4|--user/);
  });
});

describe('the Data API line of npm start', () => {
  const stack = (mysqlLink: 'tcp' | `socket ${string}`) =>
    ({
      url: 'http://127.0.0.1:3000',
      invokeUrl: 'http://127.0.0.1:3002/2015-03-31/functions/identify-local-identify/invocations',
      dataApi: { url: 'http://127.0.0.1:8080', mysqlLink },
      dbName: 'identify',
      auth: true,
      principal,
      database: 'the server at 127.0.0.1:3306 (MariaDB 10.11.19), data in that server',
    }) as Parameters<typeof startupLines>[0];
  const dataApiLine = (lines: string) => lines.split('\n').find((line) => line.includes('Data API server'));

  it('names the Unix socket when the Data API server reaches MySQL through it', () => {
    expect(dataApiLine(startupLines(stack('socket /run/mysqld/mysqld.sock'), 1))).toBe(
      '  Data API server  http://127.0.0.1:8080   database identify on the server at 127.0.0.1:3306 (MariaDB 10.11.19), data in that server, through its socket /run/mysqld/mysqld.sock',
    );
  });

  it('says nothing more over TCP, as the address says', () => {
    expect(dataApiLine(startupLines(stack('tcp'), 1))).toMatch(/data in that server$/);
  });
});
