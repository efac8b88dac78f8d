import { ExecuteStatementCommand } from '@aws-sdk/client-rds-data';
import { type LocalStack, startLocalStack } from '../local-stack.js';

/**
 * Run by private-server.int.test.ts inside a network namespace where nothing answers on
 * 127.0.0.1:3306 and MYSQL_URL is unset: start the local stack (so a private instance in
 * LOCAL_MYSQL_DIR), write a row through the Data API, stop; start again and read it back.
 * Prints one JSON line with what it saw.
 */

async function execute(stack: LocalStack, sql: string) {
  const client = stack.createClient();
  try {
    return await client.send(
      new ExecuteStatementCommand({ resourceArn: stack.dataApi.resourceArn, secretArn: stack.dataApi.secretArn, database: stack.dbName, sql }),
    );
  } finally {
    client.destroy();
  }
}

const lines: string[] = [];
const options = { port: 0, lambdaPort: 0, dataApiPort: 0, dbName: 'private_run', offline: false, log: (line: string) => lines.push(line) };
const timings: number[] = [];

let startedAt = Date.now();
const first = await startLocalStack(options);
timings.push(Date.now() - startedAt);
const inserted = await execute(first, "INSERT INTO Contact (email, linkPrecedence) VALUES ('kept@example.test', 'primary')");
await first.stop();

startedAt = Date.now();
const second = await startLocalStack(options);
timings.push(Date.now() - startedAt);
const read = await execute(second, "SELECT id, email FROM Contact WHERE email = 'kept@example.test'");
await second.stop();

console.log(
  JSON.stringify({
    databases: [first.database, second.database],
    insertedId: inserted.generatedFields?.[0]?.longValue,
    rows: read.records?.map((record) => [record[0]?.longValue, record[1]?.stringValue]),
    timings,
    log: lines.filter((line) => line.startsWith('[mysql]')),
  }),
);
