import type { IncomingHttpHeaders } from 'node:http';
import { type LocalCredentials, verifySignature } from 'local-data-api/sigv4';

/**
 * IAM authorization of the local gateway: a request must carry a SigV4 signature for execute-api made
 * with the credentials of one of the local principals, verified by the project's one verifier
 * (local-data-api/sigv4), and that principal must be granted the route it calls. A refusal carries the
 * message API Gateway answers with, for a 403.
 */

/** requestContext.authorizer.iam of an HTTP API route with IAM authorization (payload 2.0). */
export interface IamCaller {
  accessKey: string;
  accountId: string;
  callerId: string;
  cognitoIdentity: null;
  principalOrgId: null;
  userArn: string;
  userId: string;
}

export interface LocalPrincipal {
  credentials: LocalCredentials;
  /** The region signatures must be scoped to, as the API's endpoint has one. */
  region: string;
  accountId: string;
  userName: string;
  /** The IAM user's unique id (AIDA...), as AWS reports it in callerId and userId. */
  userId: string;
  /** The paths of the routes it may call, as its IAM policy would grant execute-api:Invoke on them; absent: every route. */
  routes?: readonly string[];
}

export type Authorization = { allowed: true; caller: IamCaller } | { allowed: false; message: string };

/**
 * Authorizes a request as API Gateway does an IAM route: first the signature, by the principal whose
 * access key signed it (an unknown key is refused as AWS refuses it); then the grant, on `routes`, the
 * paths the API has a route for (another path is no route: nothing to grant, the function answers 404).
 */
export async function authorize(
  request: { method: string; target: string; headers: IncomingHttpHeaders; body: Buffer },
  principals: readonly [LocalPrincipal, ...LocalPrincipal[]],
  routes: ReadonlySet<string>,
): Promise<Authorization> {
  const principal = signedBy(request.headers, principals);
  try {
    await verifySignature({ method: request.method, path: request.target, headers: request.headers, body: request.body }, principal.credentials, {
      service: 'execute-api',
      region: principal.region,
    });
  } catch (error) {
    return { allowed: false, message: refusalMessage(error) };
  }
  const path = request.target.split('?')[0]!;
  if (routes.has(path) && principal.routes && !principal.routes.includes(path)) {
    const resource = `arn:aws:execute-api:${principal.region}:${principal.accountId}:${LOCAL_API_ID}/$default/${request.method}${path}`;
    return { allowed: false, message: `User: ${callerOf(principal).userArn} is not authorized to perform: execute-api:Invoke on resource: ${resource}` };
  }
  return { allowed: true, caller: callerOf(principal) };
}

/** The API id in the local events (requestContext.apiId) and in the ARNs of its routes. */
export const LOCAL_API_ID = 'local';

/** The principal whose access key the Authorization header names, else the first (whose check then refuses the key as AWS does). */
function signedBy(headers: IncomingHttpHeaders, principals: readonly [LocalPrincipal, ...LocalPrincipal[]]): LocalPrincipal {
  const accessKeyId = /\bCredential=([^/,\s]+)\//.exec(String(headers.authorization ?? ''))?.[1];
  return principals.find((principal) => principal.credentials.accessKeyId === accessKeyId) ?? principals[0];
}

/** An IAM route answers an unsigned request with a bare "Forbidden"; a bad signature gets the verifier's (AWS's) words. */
function refusalMessage(error: unknown): string {
  const { name, message } = error as { name?: string; message?: string };
  if (name === 'MissingAuthenticationTokenException' || !message) return 'Forbidden';
  return message;
}

export function callerOf(principal: LocalPrincipal): IamCaller {
  return {
    accessKey: principal.credentials.accessKeyId,
    accountId: principal.accountId,
    callerId: principal.userId,
    cognitoIdentity: null,
    principalOrgId: null,
    userArn: `arn:aws:iam::${principal.accountId}:user/${principal.userName}`,
    userId: principal.userId,
  };
}
