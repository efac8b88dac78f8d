import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

// The package's own tests, runnable on their own (`npx vitest run` here) or as a project of a
// workspace's vitest config. *.test.ts are pure; *.int.test.ts need a MySQL/MariaDB server
// (MYSQL_URL, default mysql://root@127.0.0.1:3306), in which src/test-global-setup.ts makes a
// throwaway database. Each test file starts the servers it needs.
export default defineProject({
  test: {
    name: 'local-data-api',
    // A fresh worker per test file, chosen (the default, said out loud): files start servers and
    // pools of their own in module scope.
    isolate: true,
    root: import.meta.dirname,
    include: ['src/**/*.test.ts'],
    // An absolute path: the workspace's config reuses this project, and resolves paths from its own root.
    globalSetup: [fileURLToPath(new URL('src/test-global-setup.ts', import.meta.url))],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
