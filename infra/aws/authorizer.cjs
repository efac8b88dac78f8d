'use strict';

// Who may call POST /identify on AWS, chosen per stage by params (serverless.yml, or --param=... at
// deploy time): `authorizer: iam` (the default) makes the route require a SigV4 signature from an
// IAM principal that holds execute-api:Invoke on it (the stack outputs that exact ARN);
// `authorizer: jwt` makes it require an OAuth2 access token from `jwtIssuer` for `jwtAudience`
// carrying one of `jwtScopes`, for callers outside AWS.
//
// Why a resolver file: the two choices differ in structure (an authorizer under provider.httpApi, a
// route that names it, scopes), which plain `${param:}` values cannot switch. serverless.yml reads
// `${file(infra/aws/authorizer.cjs):authorizers}` and `${file(infra/aws/authorizer.cjs):route}`, and the
// framework then writes the route's AuthorizationType, AuthorizerId and AuthorizationScopes itself.

const JWT_AUTHORIZER = 'jwt';

/** A comma-separated param as a list: "a, b" -> ['a', 'b']. */
function list(value) {
  return String(value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The stage's choice, from its params, checked: a wrong or incomplete choice stops the packaging. */
function authorizerChoice(params) {
  const kind = String(params.authorizer ?? '')
    .trim()
    .toLowerCase();
  if (kind === 'iam') return { kind };
  if (kind !== 'jwt') throw new Error(`param "authorizer" must be iam or jwt, not ${JSON.stringify(params.authorizer)}`);
  const issuerUrl = String(params.jwtIssuer ?? '').trim();
  const audience = list(params.jwtAudience);
  const scopes = list(params.jwtScopes);
  if (!/^https:\/\/\S+$/.test(issuerUrl)) {
    throw new Error(`authorizer=jwt needs param "jwtIssuer", the token issuer's https URL (its "iss" claim), not ${JSON.stringify(params.jwtIssuer)}`);
  }
  if (audience.length === 0) throw new Error('authorizer=jwt needs param "jwtAudience": the audience (or comma-separated audiences) the tokens are issued for');
  // Without a required scope any token of that audience would do: name the scope the shop's backends get.
  if (scopes.length === 0)
    throw new Error('authorizer=jwt needs param "jwtScopes": the scope (or comma-separated scopes, any one suffices) a caller must hold');
  return { kind, issuerUrl, audience, scopes };
}

/** provider.httpApi.authorizers: the JWT authorizer when chosen, none for IAM. */
function httpApiAuthorizers(choice) {
  if (choice.kind !== 'jwt') return {};
  return {
    [JWT_AUTHORIZER]: {
      type: 'jwt',
      identitySource: '$request.header.Authorization',
      issuerUrl: choice.issuerUrl,
      audience: choice.audience,
    },
  };
}

/** The `authorizer` of the POST /identify httpApi event. */
function routeAuthorizer(choice) {
  if (choice.kind !== 'jwt') return { type: 'aws_iam' };
  return { name: JWT_AUTHORIZER, scopes: choice.scopes };
}

async function readParams(resolveVariable) {
  const names = ['authorizer', 'jwtIssuer', 'jwtAudience', 'jwtScopes'];
  const values = await Promise.all(names.map((name) => resolveVariable(`param:${name}, ''`)));
  return Object.fromEntries(names.map((name, i) => [name, values[i]]));
}

module.exports = {
  authorizers: async ({ resolveVariable }) => httpApiAuthorizers(authorizerChoice(await readParams(resolveVariable))),
  route: async ({ resolveVariable }) => routeAuthorizer(authorizerChoice(await readParams(resolveVariable))),
  authorizerChoice,
  httpApiAuthorizers,
  routeAuthorizer,
};
