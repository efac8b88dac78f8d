import type { TestProject } from 'vitest/node';
import { startLocalStack } from '../../infra/local/local-stack.js';
import { DatabaseUnreachable } from '../../infra/local/mysql.js';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: {
      url: string;
      invokeUrl: string;
      dataApiUrl: string;
      dbName: string;
      mysqlUrl: string;
      handlerEnv: Record<string, string>;
    };
  }
}

/** One local stack for all integration and end-to-end tests: free ports, a database of its own. */
export default async function setup(project: TestProject) {
  const dbName = `identify_test_${process.pid}`;
  const stack = await startLocalStack({
    port: 0,
    lambdaPort: 0,
    dataApiPort: 0,
    mysqlUrl: process.env.MYSQL_URL || undefined,
    dbName,
    dropDatabaseOnStop: true,
  }).catch((error: unknown) => {
    // One clear line, not a stack trace: the integration tests need a database.
    if (error instanceof DatabaseUnreachable) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  });
  project.provide('stack', {
    url: stack.url,
    invokeUrl: stack.invokeUrl,
    dataApiUrl: stack.dataApi.url,
    dbName,
    mysqlUrl: stack.mysqlUrl,
    handlerEnv: stack.handlerEnv,
  });
  return async () => {
    await stack.stop();
  };
}
