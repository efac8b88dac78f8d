/**
 * Runs `action` once this process is reparented: the `npm` in front of it was killed outright
 * (SIGKILL) and could not pass a signal on. `npm start` and `npm run data-api` stop then as on SIGTERM.
 */
export function whenReparented(action: () => void): void {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    action();
  }, 250);
  watch.unref();
}
