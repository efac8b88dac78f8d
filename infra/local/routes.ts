/**
 * The routes the gateway stand-in serves, each to its own function under serverless-offline, as the
 * deployed HTTP API routes each path to its function (serverless.yml; a test keeps the two in step).
 * A path not listed goes to the identify function, whose route guard answers 404 or 405 as JSON.
 */
export const LOCAL_ROUTES: Readonly<Record<string, string>> = {
  '/identify': 'identify',
  '/lookup': 'lookup',
  '/erase': 'erase',
  '/unlink': 'unlink',
  '/block': 'block',
  '/unblock': 'unblock',
};

/** serverless-offline's name for a function of the local stage. */
export const localFunctionName = (name: string) => `identify-local-${name}`;

/** The Lambda invoke URL of each route, and of the fallback for any other path. */
export function invokeUrls(lambdaPort: number): { byPath: Record<string, string>; fallback: string } {
  const url = (name: string) => `http://127.0.0.1:${lambdaPort}/2015-03-31/functions/${localFunctionName(name)}/invocations`;
  return {
    byPath: Object.fromEntries(Object.entries(LOCAL_ROUTES).map(([path, name]) => [path, url(name)])),
    fallback: url('identify'),
  };
}
