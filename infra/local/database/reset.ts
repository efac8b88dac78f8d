import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive } from './private-server.js';
import { localMysqlDir } from './resolve-database.js';

/**
 * `npm run reset`: empties the local data by deleting the private instance's folder (.local/mysql,
 * or LOCAL_MYSQL_DIR), only while that instance is stopped. Deleting the folder, rather than dropping
 * databases, also clears what a killed test run left behind; the next `npm start` initialises it
 * again in about a second. A server of your own (MYSQL_URL, or one on 127.0.0.1:3306) is left alone.
 */

const { dir, shownDir } = localMysqlDir();
if (!existsSync(dir)) {
  console.log(
    `Nothing to reset: there is no private database instance in ${shownDir}. A server of your own (MYSQL_URL or 127.0.0.1:3306) is never touched: drop its database yourself.`,
  );
  process.exit(0);
}
const record = await readFile(join(dir, 'instance.json'), 'utf8').then(
  (text) => JSON.parse(text) as { serverPid: number },
  () => undefined,
);
if (record && isAlive(record.serverPid)) {
  console.error(
    `The private database instance in ${shownDir} is running (pid ${record.serverPid}): stop \`npm start\` (or the tests) first, then run \`npm run reset\` again`,
  );
  process.exit(1);
}
await rm(dir, { recursive: true, force: true });
console.log(`Deleted ${shownDir}: the next \`npm start\` starts with an empty private database.`);
