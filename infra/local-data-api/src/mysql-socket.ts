import { stat } from 'node:fs/promises';
import mysql from 'mysql2/promise';

/**
 * How the server's pools reach MySQL/MariaDB: over TCP as the URL says, or through the server's
 * Unix socket when the server is on this machine. Loopback TCP costs the server a large share of its
 * CPU; the socket gave 8-29% more throughput on a 2-core VM (README.md, "MySQL over its Unix socket").
 *
 * Found once, at start: the URL's server is asked over TCP for its socket, port and data directory;
 * its socket is used only if the server listens on the URL's own port (not behind a proxy), if it is a socket, a login through it with the URL's user, password and
 * database succeeds, and that server answers with the same port, data directory and user. Anything
 * else (no socket, another server behind the path, a failed login, an unreachable server) leaves
 * TCP, silently: the probe never stops the server from starting, and never prints the URL.
 */

/** What mysql2 connects with: the URL (user, password, database, its query options) and, through the socket, its path. */
export interface MysqlConnectionOptions {
  uri: string;
  socketPath?: string;
}

/** How the connections reach MySQL/MariaDB: `tcp`, or `socket <path>`. */
export type MysqlLink = 'tcp' | `socket ${string}`;

export interface MysqlConnection {
  options: MysqlConnectionOptions;
  link: MysqlLink;
}

/** What a server says of itself (`@@socket`, `@@port`, `@@datadir`, the user part of `CURRENT_USER()`). */
export interface ServerIdentity {
  socket: string;
  port: number;
  datadir: string;
  user: string;
}

/** What a URL asks for before any I/O: the socket it names, TCP, or the socket of its server if there is one. */
export type SocketPlan = { use: 'given'; socketPath: string } | { use: 'tcp' } | { use: 'probe'; port: number };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const PROBE_TIMEOUT_MS = 2_000;

export function socketPlan(mysqlUrl: string, preferSocket: boolean): SocketPlan {
  let url: URL;
  try {
    url = new URL(mysqlUrl);
  } catch {
    return { use: 'tcp' };
  }
  const given = url.searchParams.get('socketPath');
  if (given) return { use: 'given', socketPath: given };
  return preferSocket && LOOPBACK_HOSTS.has(url.hostname.toLowerCase()) ? { use: 'probe', port: Number(url.port || 3306) } : { use: 'tcp' };
}

/** The socket's server is the URL's: same port and data directory, logged in as the same user (not an anonymous account). */
export function sameServer(overTcp: ServerIdentity, throughSocket: ServerIdentity): boolean {
  return throughSocket.port === overTcp.port && throughSocket.datadir === overTcp.datadir && throughSocket.user === overTcp.user;
}

/** The mysql2 options for the URL, and the link they use. Never throws. */
export async function mysqlConnection(mysqlUrl: string, options: { preferSocket: boolean }): Promise<MysqlConnection> {
  const plan = socketPlan(mysqlUrl, options.preferSocket);
  if (plan.use === 'given') return { options: { uri: mysqlUrl }, link: `socket ${plan.socketPath}` };
  if (plan.use === 'probe') {
    const overTcp = await identify({ uri: mysqlUrl }).catch(() => undefined);
    // A server that says it listens on another port than the URL's is behind a proxy or a forward
    // (a fault-injecting one in this project's tests): the URL's path is the one asked for.
    const socketPath = overTcp?.port === plan.port ? await socketOf(mysqlUrl, overTcp) : undefined;
    if (socketPath) return { options: { uri: mysqlUrl, socketPath }, link: `socket ${socketPath}` };
  }
  return { options: { uri: mysqlUrl }, link: 'tcp' };
}

/** The socket the server reported over TCP (`overTcp`, the probe's answer), if it is one that leads back to that server. */
export async function socketOf(mysqlUrl: string, overTcp: ServerIdentity): Promise<string | undefined> {
  if (!overTcp.socket || !(await isSocket(overTcp.socket))) return undefined;
  const throughSocket = await identify({ uri: mysqlUrl, socketPath: overTcp.socket }).catch(() => undefined);
  return throughSocket && sameServer(overTcp, throughSocket) ? overTcp.socket : undefined;
}

function isSocket(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isSocket(),
    () => false,
  );
}

/** One login, one question, closed again. */
async function identify(options: MysqlConnectionOptions): Promise<ServerIdentity> {
  const connection = await mysql.createConnection({ ...options, connectTimeout: PROBE_TIMEOUT_MS });
  try {
    const [rows] = await connection.query({
      sql: 'SELECT @@socket AS socket, @@port AS port, @@datadir AS datadir, CURRENT_USER() AS user',
      timeout: PROBE_TIMEOUT_MS,
    });
    const row = (rows as Record<string, unknown>[])[0] ?? {};
    return { socket: String(row.socket ?? ''), port: Number(row.port), datadir: String(row.datadir ?? ''), user: userPart(String(row.user ?? '')) };
  } finally {
    await connection.end().catch(() => {});
  }
}

/** `root` of `root@localhost`. */
function userPart(account: string): string {
  const at = account.lastIndexOf('@');
  return at < 0 ? account : account.slice(0, at);
}
