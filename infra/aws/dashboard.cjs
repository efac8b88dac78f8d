'use strict';

// The stage's CloudWatch dashboard (infra/aws/dashboard.yml): the API as callers see it, the service's
// totals and the database, then one row per route (infra/aws/routes.cjs: a route added to serverless.yml
// gets its row with no change here). The body is a Fn::Sub string: CloudFormation fills in
// ${HttpApi}, ${AuroraCluster} and ${AWS::Region}.

const { readRoutes } = require('./routes.cjs');

// The service's own metrics: namespace, service and dimension names of lib/http/middleware/request-metrics.ts.
const NAMESPACE = 'Identify';
const SERVICE = 'identify';
const SCHEMA = `{${NAMESPACE},outcome,route,service,stage}`;
const PERIOD_SECONDS = 300;
// Fn::Sub references, filled in by CloudFormation.
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub reference, not a JavaScript template
const API_ID = '${HttpApi}';
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub reference, not a JavaScript template
const CLUSTER_ID = '${AuroraCluster}';
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub reference, not a JavaScript template
const REGION = '${AWS::Region}';
const WIDTH = 8;
const HEIGHT = 6;

/** A metric line: [namespace, name, dimension, value, ..., options]. */
const metric = (namespace, name, dimensions, options = {}) => [namespace, name, ...Object.entries(dimensions).flat(), options];
/** An expression line (metric math or SEARCH); no label: CloudWatch names each series found by its dimensions. */
const expression = (id, text, label, options = {}) => [{ id, expression: text, ...(label ? { label } : {}), ...options }];
/** Every series of the service's metric `name` whose dimensions match `filters` (one per route and outcome). */
const search = (name, stat, filters) =>
  `SEARCH('${SCHEMA} MetricName="${name}" ${Object.entries(filters)
    .map(([key, value]) => `${key}="${value}"`)
    .join(' ')}', '${stat}', ${PERIOD_SECONDS})`;
const threshold = (label, value) => ({ horizontal: [{ label, value: Number(value) }] });

function graph(title, metrics, extra = {}) {
  return { type: 'metric', width: WIDTH, height: HEIGHT, properties: { title, region: REGION, view: 'timeSeries', period: PERIOD_SECONDS, metrics, ...extra } };
}

/** Widgets in rows of three, each row starting on a line of its own; a row may open with a heading. */
function layout(rows) {
  let y = 0;
  return rows.flatMap(({ heading, widgets }) => {
    const placed = [];
    if (heading) {
      placed.push({ type: 'text', x: 0, y, width: WIDTH * 3, height: 1, properties: { markdown: `### ${heading}` } });
      y += 1;
    }
    for (const [i, widget] of widgets.entries()) placed.push({ ...widget, x: (i % 3) * WIDTH, y: y + Math.floor(i / 3) * HEIGHT });
    y += Math.ceil(widgets.length / 3) * HEIGHT;
    return placed;
  });
}

function dashboard({ stage, routes, thresholds }) {
  const api = (name, options) => metric('AWS/ApiGateway', name, { ApiId: API_ID }, options);
  const service = { service: SERVICE, stage };
  const functions = [...new Set(routes.map((route) => route.functionName))];
  const stageRows = [
    {
      heading: `API (all routes, what callers see) and database: ${stage}`,
      widgets: [
        graph('Requests, 4xx and 5xx', [api('Count', { stat: 'Sum', label: 'requests' }), api('4xx', { stat: 'Sum' }), api('5xx', { stat: 'Sum' })]),
        graph('Latency p50 and p99 (ms)', [api('Latency', { stat: 'p50', label: 'p50' }), api('Latency', { stat: 'p99', label: 'p99' })], {
          annotations: threshold('p99 alarm', thresholds.latencyP99Ms),
        }),
        graph('Throttles; 4xx of the API vs of the service (the gap: 429, 401, 403 from the gateway)', [
          api('4xx', { stat: 'Sum', label: 'API 4xx' }),
          expression('rejected', `SUM(${search('Requests', 'Sum', { ...service, outcome: 'rejected' })})`, 'service 4xx (rejected)'),
          ...functions.map((name) => metric('AWS/Lambda', 'Throttles', { FunctionName: name }, { stat: 'Sum', label: `throttles ${name}` })),
        ]),
        graph('Database capacity (ACUs) and % of maxCapacity', [
          metric('AWS/RDS', 'ServerlessDatabaseCapacity', { DBClusterIdentifier: CLUSTER_ID }, { stat: 'Maximum', label: 'ACUs' }),
          metric('AWS/RDS', 'ACUUtilization', { DBClusterIdentifier: CLUSTER_ID }, { stat: 'Average', label: '% of max', yAxis: 'right' }),
        ]),
        graph(
          'Data API calls per request; retries',
          [
            expression('calls', `SUM(${search('DataApiCalls', 'Sum', service)})`, 'Data API calls', { visible: false }),
            expression('requests', `SUM(${search('Requests', 'Sum', service)})`, 'requests', { visible: false }),
            expression('perRequest', 'calls / requests', 'Data API calls per request'),
            expression('retries', `SUM(${search('Retries', 'Sum', service)})`, 'retries', { yAxis: 'right' }),
          ],
          { annotations: { horizontal: [{ label: 'retries alarm', value: Number(thresholds.retries), yAxis: 'right' }] } },
        ),
        graph('Largest group touched (contacts)', [expression('largest', `MAX(${search('GroupSize', 'Maximum', service)})`, 'largest group')], {
          annotations: threshold('largeGroupWarningSize', thresholds.largeGroupWarningSize),
        }),
      ],
    },
  ];
  const routeRows = routes.map(({ route, functionName }) => {
    const scope = { ...service, route };
    const lambda = (name, options) => metric('AWS/Lambda', name, { FunctionName: functionName }, options);
    return {
      heading: `${route} (function ${functionName})`,
      widgets: [
        graph(`${route}: requests by outcome`, [expression('outcomes', search('Requests', 'Sum', scope))]),
        graph(`${route}: Data API calls per request, by outcome`, [expression('calls', search('DataApiCalls', 'Average', scope))]),
        graph(`${route}: duration p50 and p99 (ms); errors, throttles, cold starts`, [
          lambda('Duration', { stat: 'p50', label: 'p50' }),
          lambda('Duration', { stat: 'p99', label: 'p99' }),
          lambda('Errors', { stat: 'Sum', yAxis: 'right' }),
          lambda('Throttles', { stat: 'Sum', yAxis: 'right' }),
          metric(NAMESPACE, 'ColdStart', { ...service, function_name: functionName }, { stat: 'Sum', yAxis: 'right', label: 'cold starts' }),
        ]),
      ],
    };
  });
  return { widgets: layout([...stageRows, ...routeRows]) };
}

async function body({ resolveVariable }) {
  const [stage, routes, latencyP99Ms, retries, largeGroupWarningSize] = await Promise.all([
    resolveVariable('sls:stage'),
    readRoutes(resolveVariable),
    resolveVariable('param:alarmLatencyP99Ms'),
    resolveVariable('param:alarmRetries'),
    resolveVariable('param:largeGroupWarningSize'),
  ]);
  const json = JSON.stringify(dashboard({ stage, routes, thresholds: { latencyP99Ms, retries, largeGroupWarningSize } }));
  // Fn::Sub reads every "${" as a reference: only the three above may appear.
  const references = new Set(json.match(/\$\{[^}]*\}/g));
  for (const reference of references) {
    if (![API_ID, CLUSTER_ID, REGION].includes(reference)) throw new Error(`the dashboard body holds ${reference}, which Fn::Sub would resolve`);
  }
  return { 'Fn::Sub': json };
}

module.exports = { body };
