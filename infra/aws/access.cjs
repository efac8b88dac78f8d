'use strict';

// The stack outputs of infra/aws/access.yml: for every HTTP route of the stage (infra/aws/routes.cjs,
// read from serverless.yml's functions), the execute-api ARN of exactly that route and the IAM policy
// statement a caller's role needs to call it, named after the route's path: POST /identify gives
// IdentifyInvokeArn and IdentifyInvokePolicyStatement, POST /lookup LookupInvokeArn and
// LookupInvokePolicyStatement, POST /erase EraseInvokeArn and EraseInvokePolicyStatement, ...
// A route that does not exist has no outputs; a route added to serverless.yml has its pair with no change here.

const { readRoutes } = require('./routes.cjs');

/** 'POST /identify' -> { method: 'POST', path: '/identify', name: 'Identify' }: the output names' stem from the path. */
function routeParts(routeKey) {
  const match = /^([A-Z]+) (\/[A-Za-z0-9/_-]*)$/.exec(routeKey);
  if (!match)
    throw new Error(`infra/aws/access.cjs: no invoke outputs for route ${JSON.stringify(routeKey)}: only METHOD /plain/path routes are granted one by one`);
  const [, method, path] = match;
  const name = path
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
  if (!name) throw new Error(`infra/aws/access.cjs: route ${JSON.stringify(routeKey)} has no path to name its outputs after`);
  return { method, path, name };
}

/**
 * The execute-api ARN of one route on this stage, as Fn::Sub text. The stage segment is the HTTP API
 * stage's name, which the framework always calls $default (the URL carries no stage: /identify).
 */
function invokeArn(method, path) {
  return `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${HttpApi}/$default/${method}${path}`;
}

/** The Outputs section: two outputs per route, in the order serverless.yml declares the routes. */
function invokeOutputs(routeKeys) {
  const outputs = {};
  for (const routeKey of routeKeys) {
    const { method, path, name } = routeParts(routeKey);
    if (outputs[`${name}InvokeArn`]) throw new Error(`infra/aws/access.cjs: two routes would share the outputs ${name}InvokeArn: ${routeKey} and another`);
    const arn = invokeArn(method, path);
    outputs[`${name}InvokeArn`] = {
      Description: `The execute-api ARN of ${method} ${path} on this stage, for a caller's execute-api:Invoke permission`,
      Value: { 'Fn::Sub': arn },
    };
    outputs[`${name}InvokePolicyStatement`] = {
      Description: `The IAM policy statement (JSON) a caller's role needs to call ${method} ${path} on this stage`,
      Value: { 'Fn::Sub': JSON.stringify({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: arn }) },
    };
  }
  return outputs;
}

module.exports = {
  outputs: async ({ resolveVariable }) => invokeOutputs((await readRoutes(resolveVariable)).map((route) => route.route)),
  invokeOutputs,
};
