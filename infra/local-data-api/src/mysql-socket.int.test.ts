import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecuteStatementCommand } from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlConnection, type ServerIdentity, socketOf } from './mysql-socket.js';
import type { LocalDataApi, LocalDataApiOptions } from './server.js';
import { closeDirect, direct, sdkClient, startServer, target, testDatabase } from './test-support.js';

// Against the tests' real MySQL or MariaDB on loopback (MYSQL_URL, default mysql://root@127.0.0.1:3306): which
// link the server picks, and that its statements really go that way. PROCESSLIST (on both) tells a
// connection through the Unix socket (HOST `localhost`) from one over TCP (`<client address>:<client port>`:
// MariaDB writes 127.0.0.1, MySQL the name it resolves, `localhost`).

let overTcp: ServerIdentity;
let scratch: string;

beforeAll(async () => {
  const [rows] = await direct().query('SELECT @@socket AS socket, @@port AS port, @@datadir AS datadir, CURRENT_USER() AS user');
  const row = (rows as { socket: string; port: number; datadir: string; user: string }[])[0]!;
  overTcp = { socket: row.socket, port: Number(row.port), datadir: row.datadir, user: row.user.slice(0, row.user.lastIndexOf('@')) };
  scratch = await mkdtemp(join(tmpdir(), 'local-data-api-socket-'));
});

afterAll(async () => {
  await closeDirect();
  await rm(scratch, { recursive: true, force: true });
});

/** The test URL with the socket named in it, host `localhost` as mysql2's documentation writes it. */
function withSocketPath(mysqlUrl: string, socketPath: string): string {
  const url = new URL(mysqlUrl);
  url.hostname = 'localhost';
  url.port = '';
  url.search = `?socketPath=${encodeURIComponent(socketPath)}`;
  return url.toString();
}

/** A server for one test, closed after it. */
async function withServer(options: LocalDataApiOptions, test: (server: LocalDataApi) => Promise<void>): Promise<void> {
  const server = await startServer(options);
  try {
    await test(server);
  } finally {
    await server.close();
  }
}

/** How the connection that ran a Data API call reached the server, as PROCESSLIST's HOST says it. */
async function hostOfACall(server: LocalDataApi): Promise<string> {
  const client = sdkClient(server);
  try {
    const out = await client.send(
      new ExecuteStatementCommand({ ...target(server), sql: 'SELECT HOST FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()' }),
    );
    return out.records![0]![0]!.stringValue!;
  } finally {
    client.destroy();
  }
}

describe('the link to MySQL of a server on loopback', () => {
  it('is the Unix socket the server reports, and statements through the Data API run on it', async () => {
    expect(new URL(testDatabase().mysqlUrl).hostname).toMatch(/^(127\.0\.0\.1|localhost|\[::1\])$/);
    await withServer({}, async (server) => {
      expect(server.mysqlLink).toBe(`socket ${overTcp.socket}`);
      expect(await hostOfACall(server)).toBe('localhost');
    });
  });

  it('stays TCP with preferSocket: false', async () => {
    await withServer({ preferSocket: false }, async (server) => {
      expect(server.mysqlLink).toBe('tcp');
      expect(await hostOfACall(server)).toMatch(/:\d+$/);
    });
  });

  it("is the URL's own socketPath, as given, even with preferSocket: false", async () => {
    await withServer({ mysqlUrl: withSocketPath(testDatabase().mysqlUrl, overTcp.socket), preferSocket: false }, async (server) => {
      expect(server.mysqlLink).toBe(`socket ${overTcp.socket}`);
      expect(await hostOfACall(server)).toBe('localhost');
    });
    // Not checked, not replaced: a socketPath in the URL is the user's word.
    const given = withSocketPath(testDatabase().mysqlUrl, join(scratch, 'no-such.sock'));
    expect(await mysqlConnection(given, { preferSocket: true })).toEqual({ options: { uri: given }, link: `socket ${join(scratch, 'no-such.sock')}` });
  });
});

describe('falling back to TCP', () => {
  it('takes the socket the server reports when it leads back to that server', async () => {
    expect(await socketOf(testDatabase().mysqlUrl, overTcp)).toBe(overTcp.socket);
  });

  it('when the reported socket does not exist, or is not a socket', async () => {
    const file = join(scratch, 'plain-file.sock');
    await writeFile(file, '');
    expect(await socketOf(testDatabase().mysqlUrl, { ...overTcp, socket: join(scratch, 'missing.sock') })).toBeUndefined();
    expect(await socketOf(testDatabase().mysqlUrl, { ...overTcp, socket: file })).toBeUndefined();
    expect(await socketOf(testDatabase().mysqlUrl, { ...overTcp, socket: '' })).toBeUndefined();
  });

  it('when the socket leads to another server (another data directory or port)', async () => {
    expect(await socketOf(testDatabase().mysqlUrl, { ...overTcp, datadir: join(scratch, 'other-datadir/') })).toBeUndefined();
    expect(await socketOf(testDatabase().mysqlUrl, { ...overTcp, port: overTcp.port + 1 })).toBeUndefined();
  });

  it('when the login through the socket fails', async () => {
    // A user the server does not know. (A wrong password would not do: Debian's root@localhost also
    // logs in by unix_socket, the client's OS user, and a socket login as root needs no password.)
    const url = new URL(testDatabase().mysqlUrl);
    url.username = `nobody_${process.pid}`;
    url.password = 'not-the-password-42';
    expect(await socketOf(url.toString(), overTcp)).toBeUndefined();
  });

  it('when the URL leads through a proxy on another port, so that what the proxy does still happens', async () => {
    const server = testDatabase().mysqlUrl;
    const proxy = await forwardTo(new URL(server));
    try {
      const proxied = new URL(server);
      proxied.port = String((proxy.address() as { port: number }).port);
      expect(await mysqlConnection(proxied.toString(), { preferSocket: true })).toEqual({ options: { uri: proxied.toString() }, link: 'tcp' });
    } finally {
      proxy.close();
    }
  });

  it('when nothing answers at the loopback URL, and the server still starts', async () => {
    const unreachable = 'mysql://root@127.0.0.1:1';
    expect(await mysqlConnection(unreachable, { preferSocket: true })).toEqual({ options: { uri: unreachable }, link: 'tcp' });
    await withServer({ mysqlUrl: unreachable }, async (server) => {
      expect(server.mysqlLink).toBe('tcp');
      expect(server.port).toBeGreaterThan(0);
    });
  });
});

/** A plain TCP forward to the MySQL server on a port of its own, as a fault-injecting proxy would be. */
async function forwardTo(mysql: URL): Promise<Server> {
  const proxy = createServer((socket) => {
    const upstream = connect(Number(mysql.port || 3306), mysql.hostname);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return proxy;
}
