import { resolveDatabase } from '../../infra/local/database/resolve-database.js';
import { DatabaseUnreachable } from '../../infra/local/mysql.js';

/**
 * The test run's MySQL/MariaDB server, found the way `npm start` finds one (MYSQL_URL, else
 * 127.0.0.1:3306, else a private instance of an installed server, else a download), once per run:
 * the first project to start sets MYSQL_URL, and every later global setup and every test worker reads it.
 * Listed first in each project that needs a database, so any one project runs on its own too.
 */
export default async function setup() {
  if (process.env.MYSQL_URL) return;
  // A private instance of the tests' own, apart from the one `npm start` keeps its data in.
  const env = { ...process.env, LOCAL_MYSQL_DIR: process.env.LOCAL_MYSQL_DIR || '.local/mysql-test' };
  const database = await resolveDatabase(undefined, (line) => console.log(line), env).catch((error: unknown) => {
    // One clear line, not a stack trace: these tests need a database.
    if (error instanceof DatabaseUnreachable) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  });
  process.env.MYSQL_URL = database.mysqlUrl;
  return async () => {
    delete process.env.MYSQL_URL;
    await database.stop();
  };
}
