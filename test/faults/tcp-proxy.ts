import { createServer, connect, type Socket } from 'node:net';

/** A TCP proxy a test can cut: `sever()` drops every connection and refuses new ones until `restore()`. */
export interface TcpProxy {
  port: number;
  sever(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let severed = false;
  const server = createServer((client) => {
    if (severed) return void client.destroy();
    const upstream = connect(target);
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
    restore() {
      severed = false;
    },
    close() {
      sever();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
