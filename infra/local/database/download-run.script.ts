import { DatabaseUnreachable } from 'local-data-api/mysql';
import { chooseDatabase, machineProbes } from './resolve-database.js';

/**
 * Run by downloaded-mysql.int.test.ts inside a network namespace with no way out: the real choice
 * with no installed binary, so it reaches the real mysql-memory-server download, which cannot work.
 * Prints one JSON line with the message the user would get and everything else that was logged.
 */

const logged: string[] = [];
const probes = { ...machineProbes(process.env, (line) => logged.push(line)), findServerBinary: async () => undefined };
try {
  const database = await chooseDatabase(undefined, probes);
  await database.stop();
  console.log(JSON.stringify({ started: database.description, logged }));
} catch (error) {
  console.log(JSON.stringify({ message: (error as Error).message, unreachable: error instanceof DatabaseUnreachable, logged }));
}
