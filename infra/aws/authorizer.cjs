'use strict';

// Who may call each route on AWS, chosen per stage by params (serverless.yml, or --param=... at
// deploy time): `authorizer: iam` (the default) makes every route require a SigV4 signature from an
// IAM principal that holds execute-api:Invoke on that route (the stack outputs each route's ARN:
// infra/aws/access.yml); `authorizer: jwt` makes every route require an OAuth2 access token from
// `jwtIssuer` for `jwtAudience` carrying that route's own scope, `<jwtScopePrefix><route>`
// (identify/identify, identify/lookup, identify/erase, ...), for callers outside AWS. A token holding
// one route's scope is refused on every other route, as an IAM grant on one route is.
//
// Why a resolver file: the two choices differ in structure (an authorizer under provider.httpApi, a
// route that names it, scopes), which plain `${param:}` values cannot switch. serverless.yml reads
// `${file(infra/aws/authorizer.cjs):authorizers}` once and, in each route's httpApi event,
// `${file(infra/aws/authorizer.cjs):routeFor.<route>}` (the framework calls the function it finds at
// that property path), and then writes the route's AuthorizationType, AuthorizerId and
// AuthorizationScopes itself.
//
// A new route: add its name to ROUTES below and give its httpApi event
// `authorizer: ${file(infra/aws/authorizer.cjs):routeFor.<name>}`; its scope is <jwtScopePrefix><name>.

const JWT_AUTHORIZER = 'jwt';

/** The routes, by the name of the function that serves each (= its path without the slash), whose authorizer this file gives. */
const ROUTES = ['identify', 'lookup', 'erase', 'block', 'unblock', 'unlink'];

/** RFC 6749 section 3.3: a scope token is one or more of these characters (no space, no `"`, no `\`). */
const SCOPE_CHARACTERS = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

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
  const scopePrefix = String(params.jwtScopePrefix ?? '').trim();
  if (!/^https:\/\/\S+$/.test(issuerUrl)) {
    throw new Error(`authorizer=jwt needs param "jwtIssuer", the token issuer's https URL (its "iss" claim), not ${JSON.stringify(params.jwtIssuer)}`);
  }
  if (audience.length === 0) throw new Error('authorizer=jwt needs param "jwtAudience": the audience (or comma-separated audiences) the tokens are issued for');
  // One list of scopes for every route would let any client of the API call every route: refused, not reinterpreted.
  if (list(params.jwtScopes).length > 0) {
    throw new Error(
      'param "jwtScopes" is no longer read: each route requires its own scope, <jwtScopePrefix><route> (identify/identify, identify/lookup, ...). ' +
        'Remove jwtScopes, set jwtScopePrefix if "identify/" does not suit your provider, and grant each client the scopes of its routes (docs/DEPLOY.md, "Switch a stage to JWT")',
    );
  }
  if (!SCOPE_CHARACTERS.test(scopePrefix)) {
    throw new Error(
      `authorizer=jwt needs param "jwtScopePrefix", the start of every route's scope (identify/ gives identify/identify, identify/lookup, ...), without spaces or quotes, not ${JSON.stringify(params.jwtScopePrefix)}`,
    );
  }
  return { kind, issuerUrl, audience, scopePrefix };
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

/** The `authorizer` of route `name`'s httpApi event: IAM, or the JWT authorizer with that route's scope only. */
function routeAuthorizer(choice, name) {
  if (!ROUTES.includes(name)) throw new Error(`no route named ${JSON.stringify(name)}: the routes are ${ROUTES.join(', ')} (infra/aws/authorizer.cjs, ROUTES)`);
  if (choice.kind !== 'jwt') return { type: 'aws_iam' };
  return { name: JWT_AUTHORIZER, scopes: [`${choice.scopePrefix}${name}`] };
}

async function readParams(resolveVariable) {
  const names = ['authorizer', 'jwtIssuer', 'jwtAudience', 'jwtScopePrefix', 'jwtScopes'];
  const values = await Promise.all(names.map((name) => resolveVariable(`param:${name}, ''`)));
  return Object.fromEntries(names.map((name, i) => [name, values[i]]));
}

const choose = async (resolveVariable) => authorizerChoice(await readParams(resolveVariable));

module.exports = {
  authorizers: async ({ resolveVariable }) => httpApiAuthorizers(await choose(resolveVariable)),
  /** `${file(infra/aws/authorizer.cjs):routeFor.lookup}`: one function per route; the framework calls the one the path names. */
  routeFor: Object.fromEntries(ROUTES.map((name) => [name, async ({ resolveVariable }) => routeAuthorizer(await choose(resolveVariable), name)])),
  /** The one authorizer every route used to share: it can no longer be right for any route, so it says what to write instead. */
  route: async () => {
    throw new Error(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the framework's variable syntax, quoted for the reader, not a JavaScript template
      'infra/aws/authorizer.cjs:route names no route, and each route now has its own scope: write ${file(infra/aws/authorizer.cjs):routeFor.<route>} ' +
        `in the route's httpApi event, <route> one of ${ROUTES.join(', ')}`,
    );
  },
  ROUTES,
  authorizerChoice,
  httpApiAuthorizers,
  routeAuthorizer,
};
