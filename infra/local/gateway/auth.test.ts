import { describe, expect, it } from 'vitest';
import { gatewaySigner } from '../../../test/support/sign.js';
import { LOCAL_ROUTES } from '../routes.js';
import { authorize, type LocalPrincipal } from './auth.js';
import { LOCAL_PRINCIPAL, LOCAL_PRINCIPALS } from './local-principal.js';

// The local gateway's IAM check, without I/O: requests signed as a caller signs them
// (test/support/sign.ts, @smithy/signature-v4), checked against the local principals and their grants.

const ROUTES = new Set(Object.keys(LOCAL_ROUTES));
const body = '{"email":"doc@hillvalley.edu"}';

async function signedRequest(path: string, credentials: { accessKeyId: string; secretAccessKey: string }) {
  const headers = await gatewaySigner(credentials)(`http://127.0.0.1:3000${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return {
    method: 'POST',
    target: path,
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
    body: Buffer.from(body),
  };
}

const principal = (userName: string) => LOCAL_PRINCIPALS.find((candidate) => candidate.userName === userName)!;
const ownKeys = (userName: string) => ({ accessKeyId: userName, secretAccessKey: userName });
const denial = (userName: string, path: string) => ({
  allowed: false,
  message: `User: arn:aws:iam::000000000000:user/${userName} is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:local/$default/POST${path}`,
});

describe('the local principals and their routes', () => {
  it('grants local/local every route, as before, and each kind of caller only its own (docs/DEPLOY.md, CallerPolicies)', () => {
    expect(LOCAL_PRINCIPALS[0]).toBe(LOCAL_PRINCIPAL);
    expect(LOCAL_PRINCIPAL.routes).toBeUndefined();
    expect(Object.fromEntries(LOCAL_PRINCIPALS.slice(1).map((p) => [p.userName, p.routes]))).toEqual({
      checkout: ['/identify'],
      support: ['/lookup'],
      privacy: ['/erase', '/block', '/unblock', '/unlink'],
    });
    // Every route the gateway serves belongs to exactly one kind of caller: a new route needs its grant here.
    for (const path of ROUTES)
      expect(
        LOCAL_PRINCIPALS.filter((p) => p.routes?.includes(path)).map((p) => p.userName),
        path,
      ).toHaveLength(1);
    // Each its own IAM user: its own key, its own unique id.
    expect(new Set(LOCAL_PRINCIPALS.map((p) => p.credentials.accessKeyId)).size).toBe(LOCAL_PRINCIPALS.length);
    for (const p of LOCAL_PRINCIPALS) expect(p.userId, p.userName).toMatch(/^AIDA[A-Z0-9]{17}$/);
    expect(new Set(LOCAL_PRINCIPALS.map((p) => p.userId)).size).toBe(LOCAL_PRINCIPALS.length);
  });
});

describe('authorize: the signature, then the grant on the route', () => {
  it('lets local/local call every route, as the caller local', async () => {
    for (const path of ROUTES) {
      const verdict = await authorize(await signedRequest(path, LOCAL_PRINCIPAL.credentials), LOCAL_PRINCIPALS, ROUTES);
      expect(verdict, path).toEqual({
        allowed: true,
        caller: expect.objectContaining({ accessKey: 'local', userArn: 'arn:aws:iam::000000000000:user/local' }),
      });
    }
  });

  it('lets support call /lookup and refuses it /identify with the message API Gateway gives a principal without execute-api:Invoke', async () => {
    expect(await authorize(await signedRequest('/lookup', ownKeys('support')), LOCAL_PRINCIPALS, ROUTES)).toEqual({
      allowed: true,
      caller: {
        accessKey: 'support',
        accountId: '000000000000',
        callerId: principal('support').userId,
        cognitoIdentity: null,
        principalOrgId: null,
        userArn: 'arn:aws:iam::000000000000:user/support',
        userId: principal('support').userId,
      },
    });
    expect(await authorize(await signedRequest('/identify', ownKeys('support')), LOCAL_PRINCIPALS, ROUTES)).toEqual(denial('support', '/identify'));
  });

  it('lets checkout call /identify only, and the privacy tool neither /identify nor /lookup', async () => {
    expect(await authorize(await signedRequest('/identify', ownKeys('checkout')), LOCAL_PRINCIPALS, ROUTES)).toMatchObject({ allowed: true });
    expect(await authorize(await signedRequest('/lookup', ownKeys('checkout')), LOCAL_PRINCIPALS, ROUTES)).toEqual(denial('checkout', '/lookup'));
    for (const path of ['/identify', '/lookup']) {
      expect(await authorize(await signedRequest(path, ownKeys('privacy')), LOCAL_PRINCIPALS, ROUTES), path).toEqual(denial('privacy', path));
    }
  });

  it('grants the privacy tool its routes once the gateway has them, and refuses them to the others', async () => {
    const withErase = new Set([...ROUTES, '/erase', '/unlink']);
    expect(await authorize(await signedRequest('/erase', ownKeys('privacy')), LOCAL_PRINCIPALS, withErase)).toMatchObject({ allowed: true });
    expect(await authorize(await signedRequest('/unlink', ownKeys('privacy')), LOCAL_PRINCIPALS, withErase)).toMatchObject({ allowed: true });
    expect(await authorize(await signedRequest('/erase', ownKeys('support')), LOCAL_PRINCIPALS, withErase)).toEqual(denial('support', '/erase'));
    expect(await authorize(await signedRequest('/erase', LOCAL_PRINCIPAL.credentials), LOCAL_PRINCIPALS, withErase)).toMatchObject({ allowed: true });
  });

  it('grants nothing on a path that is no route: the function answers it (404), as API Gateway answers Not Found', async () => {
    expect(await authorize(await signedRequest('/no-such-route', ownKeys('support')), LOCAL_PRINCIPALS, ROUTES)).toMatchObject({ allowed: true });
    expect(await authorize(await signedRequest('/nowhere', ownKeys('checkout')), LOCAL_PRINCIPALS, ROUTES)).toMatchObject({ allowed: true });
  });

  it('checks the signature first: a wrong secret or an unknown key is refused as before, whatever the grants', async () => {
    const wrongSecret = await authorize(await signedRequest('/lookup', { accessKeyId: 'support', secretAccessKey: 'local' }), LOCAL_PRINCIPALS, ROUTES);
    expect(wrongSecret).toEqual({ allowed: false, message: expect.stringMatching(/^The request signature we calculated does not match/) });
    const stranger = await authorize(await signedRequest('/identify', { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'local' }), LOCAL_PRINCIPALS, ROUTES);
    expect(stranger).toEqual({ allowed: false, message: 'The security token included in the request is invalid.' });
    const unsigned = { method: 'POST', target: '/identify', headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
    expect(await authorize(unsigned, LOCAL_PRINCIPALS, ROUTES)).toEqual({ allowed: false, message: 'Forbidden' });
  });

  it('with local/local alone (as before this mapping), every route is open to it and the other keys are unknown', async () => {
    const onlyLocal: readonly [LocalPrincipal] = [LOCAL_PRINCIPAL];
    expect(await authorize(await signedRequest('/lookup', LOCAL_PRINCIPAL.credentials), onlyLocal, ROUTES)).toMatchObject({ allowed: true });
    expect(await authorize(await signedRequest('/lookup', ownKeys('support')), onlyLocal, ROUTES)).toEqual({
      allowed: false,
      message: 'The security token included in the request is invalid.',
    });
  });
});
