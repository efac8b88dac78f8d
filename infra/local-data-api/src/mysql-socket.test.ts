import { describe, expect, it } from 'vitest';
import { type ServerIdentity, sameServer, socketPlan } from './mysql-socket.js';

// The decisions of mysql-socket.ts without I/O: which URLs are worth a probe, and which answer through
// a socket counts as the URL's own server.

describe('socketPlan', () => {
  it('probes for the socket when the host is loopback', () => {
    for (const url of [
      'mysql://root@127.0.0.1:3306',
      'mysql://root@localhost',
      'mysql://app:secret@LOCALHOST:3307/shop',
      'mysql://root@[::1]:3306',
      'mysql://root@127.0.0.1:3306/?connectTimeout=1000',
    ]) {
      expect(socketPlan(url, true), url).toMatchObject({ use: 'probe' });
    }
  });

  it("carries the URL's port (3306 when it names none), so that a server behind a proxy on another port keeps its TCP path", () => {
    expect(socketPlan('mysql://root@127.0.0.1:3306', true)).toEqual({ use: 'probe', port: 3306 });
    expect(socketPlan('mysql://root@localhost', true)).toEqual({ use: 'probe', port: 3306 });
    expect(socketPlan('mysql://root@127.0.0.1:41234', true)).toEqual({ use: 'probe', port: 41234 });
  });

  it('stays on TCP for a host that is not loopback', () => {
    for (const url of ['mysql://root@db:3306', 'mysql://root@10.0.0.5:3306', 'mysql://root@127.0.0.2:3306', 'mysql://root@[fd00::2]:3306']) {
      expect(socketPlan(url, true), url).toEqual({ use: 'tcp' });
    }
  });

  it('stays on TCP when the socket is not wanted', () => {
    expect(socketPlan('mysql://root@127.0.0.1:3306', false)).toEqual({ use: 'tcp' });
  });

  it("uses the URL's own socketPath as given, wanted or not, whatever the host", () => {
    const given = { use: 'given', socketPath: '/var/run/mysql/my.sock' };
    expect(socketPlan('mysql://root@localhost/?socketPath=%2Fvar%2Frun%2Fmysql%2Fmy.sock', true)).toEqual(given);
    expect(socketPlan('mysql://root@localhost/?socketPath=%2Fvar%2Frun%2Fmysql%2Fmy.sock', false)).toEqual(given);
    expect(socketPlan('mysql://root@db.example/shop?socketPath=/var/run/mysql/my.sock', true)).toEqual(given);
  });

  it('stays on TCP for a URL it cannot read, instead of failing the start', () => {
    expect(socketPlan('root@127.0.0.1:3306', true)).toEqual({ use: 'tcp' });
  });
});

describe('sameServer', () => {
  const overTcp: ServerIdentity = { socket: '/run/mysqld/mysqld.sock', port: 3306, datadir: '/var/lib/mysql/', user: 'root' };

  it('accepts the same port, data directory and user', () => {
    expect(sameServer(overTcp, { ...overTcp })).toBe(true);
  });

  it('refuses another port, another data directory or another user (an anonymous account)', () => {
    expect(sameServer(overTcp, { ...overTcp, port: 3307 })).toBe(false);
    expect(sameServer(overTcp, { ...overTcp, datadir: '/tmp/other-mysql/' })).toBe(false);
    expect(sameServer(overTcp, { ...overTcp, user: '' })).toBe(false);
  });
});
