'use strict';

// The two parts of infra/aws/alarms.yml that plain `${param:}` values cannot express: the throttles
// alarm's metrics, one per function that serves a route (infra/aws/routes.cjs), and the e-mail
// subscription, a resource that exists only when param `alarmEmail` is set.

const { readRoutes } = require('./routes.cjs');

const PERIOD_SECONDS = 300;

/** Metric math for the throttles alarm: the Lambda `Throttles` of every route's function, summed. */
function throttlesMetrics(functionNames) {
  const functions = functionNames.map((functionName, i) => ({
    Id: `f${i}`,
    MetricStat: {
      Metric: { Namespace: 'AWS/Lambda', MetricName: 'Throttles', Dimensions: [{ Name: 'FunctionName', Value: functionName }] },
      Period: PERIOD_SECONDS,
      Stat: 'Sum',
    },
    ReturnData: false,
  }));
  return [{ Id: 'throttles', Label: 'Throttled invocations, all route functions', Expression: 'SUM(METRICS())', ReturnData: true }, ...functions];
}

/** The AlarmTopic's e-mail subscription as a resources fragment, or nothing when no address is set. */
function emailSubscription(address) {
  const email = String(address ?? '').trim();
  if (!email) return {};
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error(`param "alarmEmail" must be one e-mail address (or empty), not ${JSON.stringify(address)}`);
  return {
    Resources: {
      AlarmEmailSubscription: { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: email } },
    },
  };
}

module.exports = {
  throttlesMetrics: async ({ resolveVariable }) => throttlesMetrics([...new Set((await readRoutes(resolveVariable)).map((route) => route.functionName))]),
  emailSubscription: async ({ resolveVariable }) => emailSubscription(await resolveVariable("param:alarmEmail, ''")),
};
