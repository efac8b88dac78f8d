/**
 * Which lines of serverless-offline's output (and the Data API server's) `npm start` shows: all of
 * them with VERBOSE=1; otherwise only errors, the handler's own error log lines among them.
 */
export function offlineOutputFilter(verbose: boolean): (line: string) => boolean {
  if (verbose) return () => true;
  return (line) => {
    if (line.startsWith('[data-api]')) return false;
    if (/"level":"(ERROR|CRITICAL)"/.test(line)) return true;
    if (line.startsWith('{')) return false;
    return /\b(error|exception|cannot|failed)\b|✖/i.test(line);
  };
}
