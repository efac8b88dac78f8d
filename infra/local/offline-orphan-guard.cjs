// Preloaded into serverless-offline's process by infra/local/offline.ts. The stack that spawned it stops it
// with SIGTERM and then removes its build folder; but a stack killed outright (SIGKILL, a crash, a
// closed pipe) cannot, and the process would keep its port and CPU as an orphan. So it watches its
// parent: once reparented, it stops itself the way the stack would have, and removes the folder.
const { rmSync } = require('node:fs');

const parent = process.ppid;
const buildFolder = process.env.ESBUILD_WORK_FOLDER;
setInterval(() => {
  if (process.ppid === parent) return;
  if (buildFolder) process.once('exit', () => rmSync(buildFolder, { recursive: true, force: true }));
  process.kill(process.pid, 'SIGTERM');
}, 500).unref();
