import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startLocalStack } from '../local-stack.js';
import { localMysqlDir } from './resolve-database.js';

/**
 * Run by private-server.int.test.ts inside a network namespace where nothing answers on
 * 127.0.0.1:3306: start the local stack (so a private instance in LOCAL_MYSQL_DIR), print the
 * server's pid, then die by SIGKILL as a stack killed outright does: no stop() runs.
 */
await startLocalStack({ lambdaPort: 0, dataApiPort: 0, dbName: 'private_kill', offline: false });
const record = JSON.parse(await readFile(join(localMysqlDir().dir, 'instance.json'), 'utf8')) as { serverPid: number };
console.log(JSON.stringify({ serverPid: record.serverPid }));
process.kill(process.pid, 'SIGKILL');
