import type { LocalStack } from './local-stack.js';
import { LOCAL_ROUTES } from './routes.js';

/** What `npm start` prints: only what works, and a call that works as printed. */

export function startupLines(stack: Pick<LocalStack, 'url' | 'invokeUrl' | 'dataApi' | 'dbName' | 'auth' | 'principal' | 'database'>, seconds: number): string {
  const { accessKeyId, secretAccessKey } = stack.principal.credentials;
  const auth = stack.auth
    ? `  auth: SigV4 for execute-api in ${stack.principal.region} with the local credentials ${accessKeyId} / ${secretAccessKey} (AUTH=none turns it off)`
    : `  auth: OFF (AUTH=none): unsigned requests are let through, unlike on AWS`;
  const routes = Object.keys(LOCAL_ROUTES).map((path) => `  POST ${`${stack.url}${path}`.padEnd(38)}(HTTP API, as API Gateway)`);
  return `identify is up in ${seconds.toFixed(1)} s
${routes.join('\n')}
  POST ${stack.invokeUrl}   (Lambda invoke)
  Data API server  ${stack.dataApi.url}   database ${stack.dbName} on ${stack.database}${mysqlLinkNote(stack.dataApi.mysqlLink)}
${auth}
  ${exampleCurl(stack)}
Ctrl-C (or SIGTERM) stops everything.`;
}

/** How the Data API server reaches MySQL, when not as the URL says (TCP): through the server's Unix socket. */
function mysqlLinkNote(link: string): string {
  return link.startsWith('socket ') ? `, through its socket ${link.slice('socket '.length)}` : '';
}

/** A call to POST /identify with the machine's curl (7.75+ signs with --aws-sigv4). */
export function exampleCurl(stack: Pick<LocalStack, 'url' | 'auth' | 'principal'>, body = '{"email":"doc@hillvalley.edu"}'): string {
  const { accessKeyId, secretAccessKey } = stack.principal.credentials;
  const sign = stack.auth ? `--aws-sigv4 "aws:amz:${stack.principal.region}:execute-api" --user ${accessKeyId}:${secretAccessKey} ` : '';
  return `curl ${sign}-H 'content-type: application/json' -d '${body}' ${stack.url}/identify`;
}

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
