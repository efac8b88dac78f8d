// Spawned beside a private MySQL/MariaDB server (private-server.ts): the stack that started the
// server stops it on Ctrl-C or SIGTERM, but a stack killed outright (SIGKILL, a crash) cannot. This
// small process outlives it, sees the owner gone, and stops the server as the stack would have:
// SIGTERM (a clean InnoDB shutdown), SIGKILL after a minute, then removes the instance record.
// Usage: node server-guard.cjs OWNER_PID SERVER_PID RECORD_PATH
const { rmSync } = require('node:fs');

const [owner, server] = process.argv.slice(2, 4).map(Number);
const record = process.argv[4];
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};

const watch = setInterval(() => {
  if (!alive(server)) process.exit(0); // stopped by its owner: nothing to do
  if (alive(owner)) return;
  clearInterval(watch);
  process.kill(server, 'SIGTERM');
  const deadline = Date.now() + 60_000;
  setInterval(() => {
    if (alive(server) && Date.now() < deadline) return;
    if (alive(server)) process.kill(server, 'SIGKILL');
    rmSync(record, { force: true });
    process.exit(0);
  }, 100);
}, 250);
