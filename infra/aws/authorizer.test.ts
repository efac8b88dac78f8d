import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// infra/aws/authorizer.cjs as the framework calls it: `${file(infra/aws/authorizer.cjs):routeFor.lookup}`
// follows the property path and runs the function it finds, `routeFor.lookup({ resolveVariable })`,
// which reads the stage's params through resolveVariable.

type ResolverFunction = (input: { resolveVariable: (variable: string) => Promise<unknown> }) => Promise<Record<string, unknown>>;
interface Resolver {
  authorizers: ResolverFunction;
  routeFor: Record<string, ResolverFunction>;
  route: ResolverFunction;
  ROUTES: string[];
}
const resolver = createRequire(import.meta.url)('./authorizer.cjs') as Resolver;

/** A resolveVariable over these params; an unset one resolves to the fallback after the comma, as the framework does. */
function paramsSource(params: Record<string, string>) {
  const asked: string[] = [];
  const resolveVariable = async (variable: string) => {
    asked.push(variable);
    const match = /^param:(\w+), ''$/.exec(variable);
    if (!match) throw new Error(`unexpected variable ${variable}`);
    return params[match[1]!] ?? '';
  };
  return { resolveVariable, asked };
}

// serverless.yml's defaults for a stage that chooses JWT: jwtScopePrefix is identify/.
const JWT = { authorizer: 'jwt', jwtIssuer: 'https://auth.example.com/', jwtAudience: 'https://identify.example.com', jwtScopePrefix: 'identify/' };
const EVERY_ROUTE = ['identify', 'lookup', 'erase', 'block', 'unblock', 'unlink'];

describe('infra/aws/authorizer.cjs', () => {
  it('chooses IAM: every route is aws_iam and no authorizer is declared', async () => {
    const source = paramsSource({ authorizer: 'iam' });
    for (const name of EVERY_ROUTE) expect(await resolver.routeFor[name]!(source), name).toEqual({ type: 'aws_iam' });
    expect(await resolver.authorizers(source)).toEqual({});
    expect(source.asked).toContain("param:authorizer, ''");
  });

  it('chooses JWT: one authorizer on the Authorization header; each route names it with its own scope, and only that one', async () => {
    const source = paramsSource({ ...JWT, jwtAudience: ' aud-1 , aud-2 ' });
    expect(await resolver.authorizers(source)).toEqual({
      jwt: { type: 'jwt', identitySource: '$request.header.Authorization', issuerUrl: 'https://auth.example.com/', audience: ['aud-1', 'aud-2'] },
    });
    expect(await resolver.routeFor.identify!(source)).toEqual({ name: 'jwt', scopes: ['identify/identify'] });
    expect(await resolver.routeFor.lookup!(source)).toEqual({ name: 'jwt', scopes: ['identify/lookup'] });
    // The routes still to come already have theirs: the privacy tool's four.
    const scopes = await Promise.all(EVERY_ROUTE.map(async (name) => (await resolver.routeFor[name]!(source)).scopes));
    expect(scopes).toEqual(EVERY_ROUTE.map((name) => [`identify/${name}`]));
    expect(resolver.ROUTES).toEqual(EVERY_ROUTE);
    expect(Object.keys(resolver.routeFor)).toEqual(EVERY_ROUTE);
  });

  it('takes the scope prefix the provider wants (Auth0-style identify:, Entra-style identify.)', async () => {
    expect(await resolver.routeFor.erase!(paramsSource({ ...JWT, jwtScopePrefix: 'identify:' }))).toEqual({ name: 'jwt', scopes: ['identify:erase'] });
    expect(await resolver.routeFor.unlink!(paramsSource({ ...JWT, jwtScopePrefix: ' identify. ' }))).toEqual({ name: 'jwt', scopes: ['identify.unlink'] });
  });

  it('refuses an unknown choice or an incomplete JWT configuration, naming the param to set', async () => {
    const refusals: [Record<string, string>, RegExp][] = [
      [{ authorizer: '' }, /param "authorizer" must be iam or jwt/],
      [{ authorizer: 'none' }, /param "authorizer" must be iam or jwt, not "none"/],
      [{ ...JWT, jwtIssuer: '' }, /needs param "jwtIssuer"/],
      [{ ...JWT, jwtIssuer: 'http://auth.example.com/' }, /needs param "jwtIssuer", the token issuer's https URL/],
      [{ ...JWT, jwtAudience: ' , ' }, /needs param "jwtAudience"/],
      [{ ...JWT, jwtScopePrefix: '' }, /needs param "jwtScopePrefix"/],
      [{ ...JWT, jwtScopePrefix: 'identify api/' }, /needs param "jwtScopePrefix".*not "identify api\/"/],
      [{ ...JWT, jwtScopePrefix: 'identify"/' }, /needs param "jwtScopePrefix"/],
    ];
    for (const [params, message] of refusals) {
      await expect(resolver.routeFor.identify!(paramsSource(params)), JSON.stringify(params)).rejects.toThrow(message);
      await expect(resolver.authorizers(paramsSource(params)), JSON.stringify(params)).rejects.toThrow(message);
    }
  });

  it('refuses the old shared jwtScopes on a JWT stage rather than give one list to every route, and says what replaced it', async () => {
    const stale = paramsSource({ ...JWT, jwtScopes: 'identify/invoke' });
    await expect(resolver.routeFor.lookup!(stale)).rejects.toThrow(/param "jwtScopes" is no longer read: each route requires its own scope.*jwtScopePrefix/);
    await expect(resolver.authorizers(stale)).rejects.toThrow(/jwtScopes/);
    // An IAM stage reads no JWT param at all.
    expect(await resolver.routeFor.lookup!(paramsSource({ authorizer: 'iam', jwtScopes: 'identify/invoke' }))).toEqual({ type: 'aws_iam' });
  });

  it('answers the old shared `route` with what to write instead, on every stage', async () => {
    for (const params of [{ authorizer: 'iam' }, JWT]) {
      await expect(resolver.route(paramsSource(params))).rejects.toThrow(/routeFor\.<route>.*identify, lookup, erase, block, unblock, unlink/);
    }
  });
});
