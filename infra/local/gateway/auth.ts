import type { IncomingHttpHeaders } from 'node:http';
import { type LocalCredentials, verifySignature } from 'local-data-api/sigv4';

/**
 * IAM authorization of the local gateway: a request must carry a SigV4 signature for execute-api made
 * with the local credentials, verified by the project's one verifier (local-data-api/sigv4). A refusal
 * carries the message API Gateway answers with, for a 403.
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
}

export type Authorization = { allowed: true; caller: IamCaller } | { allowed: false; message: string };

export async function authorize(
  request: { method: string; target: string; headers: IncomingHttpHeaders; body: Buffer },
  principal: LocalPrincipal,
): Promise<Authorization> {
  try {
    await verifySignature({ method: request.method, path: request.target, headers: request.headers, body: request.body }, principal.credentials, {
      service: 'execute-api',
      region: principal.region,
    });
  } catch (error) {
    return { allowed: false, message: refusalMessage(error) };
  }
  return { allowed: true, caller: callerOf(principal) };
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
