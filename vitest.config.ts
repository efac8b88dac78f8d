import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import localDataApi from './infra/local-data-api/vitest.config.js';

// Three kinds of test, by file name:
//   *.test.ts      pure logic, no I/O
//   *.int.test.ts  real MySQL or MariaDB (CI: both) through the local Data API server and the real SDK client
//   *.e2e.test.ts  over HTTP through serverless-offline
// The last two share one local stack (test/support/stack-setup.ts) on free ports and a throwaway database.
// The workspace package infra/local-data-api is a project of its own (its vitest.config.ts: its
// own global setup, a throwaway database and nothing of this application).
// Every project that needs a database first runs test/support/database-setup.ts: one server for the whole
// run, found as `npm start` finds one, so `npm test` needs no database server on the machine.
const databaseSetup = fileURLToPath(new URL('test/support/database-setup.ts', import.meta.url));

export default defineConfig({
  test: {
    // functions/identify.ts builds its container at import, as on a cold start; tests that import it
    // build their own handler with buildHandler, so these only need to be present, not reachable.
    env: {
      AWS_REGION: 'us-east-1',
      DB_CLUSTER_ARN: 'arn:aws:rds:us-east-1:123456789012:cluster:identify-local',
      DB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:identify-local',
      DB_NAME: 'identify',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    // Chosen, not defaulted: each test file gets a fresh worker, because modules here keep state per
    // process on purpose (functions/identify.ts builds its container at import, the Powertools Logger
    // and Metrics are module singletons, test/support/helpers.ts keeps one pool and one client). Sharing
    // workers would save about 15 s of the two minutes (vitest's own estimate) at the price of tests
    // that pass or fail by the order they run in. Set in each project below, and in the package's own config.
    projects: [
      { ...localDataApi, test: { ...localDataApi.test, globalSetup: [databaseSetup, ...[localDataApi.test?.globalSetup ?? []].flat()] } },
      {
        test: {
          name: 'unit',
          isolate: true,
          include: ['{lib,functions,infra/aws,infra/build,infra/local,test,bench}/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.e2e.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          isolate: true,
          include: ['{lib,functions,infra/aws,infra/build,infra/local,test,bench}/**/*.{int,e2e}.test.ts'],
          globalSetup: [databaseSetup, 'test/support/stack-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
