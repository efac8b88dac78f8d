'use strict';

// The stage's HTTP routes and the function behind each, read from serverless.yml's `functions`: the
// dashboard draws a row per route (infra/aws/dashboard.cjs) and the throttles alarm watches every one of
// these functions (infra/aws/alarms.cjs). A route added to serverless.yml is monitored with no other change.

/** The route key API Gateway gives an httpApi event: 'POST /identify' from { method: post, path: /identify } or the shorthand string. */
function routeKey(httpApi) {
  if (typeof httpApi === 'string') return httpApi === '*' ? '$default' : httpApi.replace(/^\*/, 'ANY');
  const method = String(httpApi.method ?? '*').toUpperCase();
  return `${method === '*' ? 'ANY' : method} ${httpApi.path}`;
}

/** [{ route: 'POST /identify', functionName: 'identify-dev-identify' }, ...]: every httpApi event of every function, in order. */
function httpRoutes(functions, service, stage) {
  return Object.entries(functions ?? {}).flatMap(([name, config]) =>
    (config.events ?? [])
      .filter((event) => event.httpApi)
      .map((event) => ({ route: routeKey(event.httpApi), functionName: config.name ?? `${service}-${stage}-${name}` })),
  );
}

async function readRoutes(resolveVariable) {
  const [functions, service, stage] = await Promise.all(['self:functions', 'self:service', 'sls:stage'].map((name) => resolveVariable(name)));
  return httpRoutes(functions, service, stage);
}

module.exports = { readRoutes };
