import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// infra/aws/authorizer.cjs as the framework calls it: `${file(infra/aws/authorizer.cjs):route}` runs
// `route({ resolveVariable })`, which reads the stage's params through resolveVariable.

interface Resolver {
  authorizers(input: { resolveVariable: (variable: string) => Promise<unknown> }): Promise<Record<string, unknown>>;
  route(input: { resolveVariable: (variable: string) => Promise<unknown> }): Promise<Record<string, unknown>>;
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

const JWT = { authorizer: 'jwt', jwtIssuer: 'https://auth.example.com/', jwtAudience: 'https://identify.example.com', jwtScopes: 'identify/invoke' };

describe('infra/aws/authorizer.cjs', () => {
  it('chooses IAM: the route is aws_iam and no authorizer is declared', async () => {
    const source = paramsSource({ authorizer: 'iam' });
    expect(await resolver.route(source)).toEqual({ type: 'aws_iam' });
    expect(await resolver.authorizers(source)).toEqual({});
    expect(source.asked).toContain("param:authorizer, ''");
  });

  it('chooses JWT: one authorizer on the Authorization header, the route names it with its scopes', async () => {
    const source = paramsSource({ ...JWT, jwtAudience: ' aud-1 , aud-2 ', jwtScopes: 'identify/invoke,identify/admin' });
    expect(await resolver.authorizers(source)).toEqual({
      jwt: { type: 'jwt', identitySource: '$request.header.Authorization', issuerUrl: 'https://auth.example.com/', audience: ['aud-1', 'aud-2'] },
    });
    expect(await resolver.route(source)).toEqual({ name: 'jwt', scopes: ['identify/invoke', 'identify/admin'] });
  });

  it('refuses an unknown choice or an incomplete JWT configuration, naming the param to set', async () => {
    const refusals: [Record<string, string>, RegExp][] = [
      [{ authorizer: '' }, /param "authorizer" must be iam or jwt/],
      [{ authorizer: 'none' }, /param "authorizer" must be iam or jwt, not "none"/],
      [{ ...JWT, jwtIssuer: '' }, /needs param "jwtIssuer"/],
      [{ ...JWT, jwtIssuer: 'http://auth.example.com/' }, /needs param "jwtIssuer", the token issuer's https URL/],
      [{ ...JWT, jwtAudience: ' , ' }, /needs param "jwtAudience"/],
      [{ ...JWT, jwtScopes: '' }, /needs param "jwtScopes"/],
    ];
    for (const [params, message] of refusals) {
      await expect(resolver.route(paramsSource(params)), JSON.stringify(params)).rejects.toThrow(message);
      await expect(resolver.authorizers(paramsSource(params)), JSON.stringify(params)).rejects.toThrow(message);
    }
  });
});
