import type { ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

/** Ports of the local stack: reading them from the environment, finding free ones, waiting for them. */

/** A setting the local stack cannot start with; its message names the variable and the problem, in one line. */
export class BadSetting extends Error {
  override name = 'BadSetting';
}

export class PortInUse extends Error {
  override name = 'PortInUse';
}

export function portFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new BadSetting(`${name} must be a port number from 0 to 65535 (0 picks a free one), not "${raw}"`);
  }
  return port;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolveConnect) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolveConnect(true);
    });
    socket.once('error', () => resolveConnect(false));
  });
}

export async function assertPortFree(port: number, variable: string): Promise<void> {
  if (await canConnect(port)) throw portInUse(port, variable);
}

export function portInUse(port: number, variable: string): PortInUse {
  return new PortInUse(`Port ${port} is already in use (is another \`npm start\` running?): stop it or set ${variable} to a free port`);
}

/** Waits until every port accepts connections, or the child exits, or the time is up. */
export async function waitForPorts(child: ChildProcess, ports: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    while (!(await canConnect(port))) {
      if (child.exitCode !== null) throw new Error(`it exited with code ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
