import { LOCAL_DEFAULTS } from 'local-data-api';
import type { LocalPrincipal } from './auth.js';

/** The local IAM user whose SigV4 signatures the gateway accepts on every route: the local credentials (local/local). */
export const LOCAL_PRINCIPAL: LocalPrincipal = {
  credentials: LOCAL_DEFAULTS.credentials,
  region: LOCAL_DEFAULTS.region,
  accountId: '000000000000',
  userName: 'local',
  userId: 'AIDALOCALUSER00000000',
};

/** A local IAM user granted only these routes' paths; its access key and secret are its name. */
function limitedTo(userName: string, routes: readonly string[]): LocalPrincipal {
  return {
    credentials: { accessKeyId: userName, secretAccessKey: userName },
    region: LOCAL_DEFAULTS.region,
    accountId: LOCAL_PRINCIPAL.accountId,
    userName,
    userId: `AIDA${userName.toUpperCase()}`.padEnd(21, '0'),
    routes,
  };
}

/**
 * Every principal the local gateway knows, LOCAL_PRINCIPAL first: besides local/local (every route,
 * as before), one IAM user per kind of caller, granted only its routes, as each caller's role is on
 * AWS (docs/DEPLOY.md, CallerPolicies). Signed by one of them, a request to a route it is not granted
 * gets API Gateway's 403 for a principal without execute-api:Invoke on the route.
 */
export const LOCAL_PRINCIPALS: readonly [LocalPrincipal, ...LocalPrincipal[]] = [
  LOCAL_PRINCIPAL,
  limitedTo('checkout', ['/identify']),
  limitedTo('support', ['/lookup']),
  limitedTo('privacy', ['/erase', '/block', '/unblock', '/unlink']),
];
