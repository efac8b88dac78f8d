import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy a test can cut: `sever()` drops every connection and refuses new ones, `stall()` stops
 * passing bytes without closing anything (a database that hangs), `restore()` undoes either.
 */
export interface TcpProxy {
  port: number;
  sever(): void;
  stall(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let severed = false;
  let stalled = false;
  const server = createServer((client) => {
    if (severed) return void client.destroy();
    const upstream = connect(target);
    if (stalled) {
      client.pause();
      upstream.pause();
    }
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const sever = () => {
    severed = true;
    for (const socket of sockets) socket.destroy();
  };
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    sever,
    stall() {
      stalled = true;
      for (const socket of sockets) socket.pause();
    },
    restore() {
      severed = false;
      stalled = false;
      for (const socket of sockets) socket.resume();
    },
    close() {
      sever();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
