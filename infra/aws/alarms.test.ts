import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics, METRICS_NAMESPACE, METRICS_SERVICE, requestMetrics } from '../../lib/http/middleware/request-metrics.js';
import { recordGroupSize, recordOutcome, runInRequestScope } from '../../lib/runtime/request-scope.js';
import type { Template } from '../../test/support/cfn-schema.js';
import { apiEvent, lambdaContext } from '../../test/support/lambda-events.js';
import { throughChain } from '../../test/support/middy-chain.js';
import { EXAMPLE_JWT_PARAMS, PackagingWorkspace } from './package-stage.js';

// The alarms, their topic and the dashboard (infra/aws/alarms.yml, infra/aws/dashboard.yml) as `npm run
// package` writes them for dev, prod and a JWT stage; and that the alarms on the service's own
// metrics select exactly what lib/http/middleware/request-metrics.ts publishes.

type Props = Record<string, any>;
let workspace: PackagingWorkspace;
const stages: Record<'dev' | 'prod' | 'jwt' | 'tuned', Template> = {} as never;
const DEPLOYED = ['dev', 'prod', 'jwt'] as const;
const EMAIL = 'oncall@example.com';
// Every threshold param set away from its default, and an e-mail subscription.
const TUNED = {
  alarmServerErrors: '11',
  alarmLatencyP99Ms: '2500',
  alarmThrottles: '3',
  alarmUnavailable: '7',
  alarmRetries: '40',
  alarmAcuUtilizationPercent: '90',
  largeGroupWarningSize: '500',
};

async function packaged(stage: string, ...extra: string[]): Promise<Template> {
  const dir = await workspace.package(stage, ...extra);
  return JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}

beforeAll(async () => {
  workspace = new PackagingWorkspace();
  stages.dev = await packaged('dev');
  stages.prod = await packaged('prod');
  stages.jwt = await packaged('dev', ...EXAMPLE_JWT_PARAMS);
  stages.tuned = await packaged('dev', `--param=alarmEmail=${EMAIL}`, ...Object.entries(TUNED).map(([name, value]) => `--param=${name}=${value}`));
}, 180_000);

afterAll(() => workspace?.remove());

const stageName = (stage: keyof typeof stages) => (stage === 'prod' ? 'prod' : 'dev');
const props = (template: Template, id: string): Props => {
  const resource = template.Resources[id];
  if (!resource) throw new Error(`the template has no ${id}`);
  return resource.Properties as Props;
};
const ofType = (template: Template, type: string) => Object.keys(template.Resources).filter((id) => template.Resources[id]!.Type === type);
const TOPIC = { Ref: 'AlarmTopic' };
// The dashboard body's Fn::Sub references, as CloudFormation reads them.
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub reference, not a JavaScript template
const HTTP_API = '${HttpApi}';
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub reference, not a JavaScript template
const CLUSTER = '${AuroraCluster}';
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub reference, not a JavaScript template
const REGION = '${AWS::Region}';
const API = [{ Name: 'ApiId', Value: { Ref: 'HttpApi' } }];

/** What each alarm watches, how, and which param sets its threshold (with the default dev and prod get). */
const ALARMS = {
  ServerErrorsAlarm: {
    watches: { Namespace: 'AWS/ApiGateway', MetricName: '5xx', Dimensions: API, Statistic: 'Sum', Period: 300, EvaluationPeriods: 1 },
    param: 'alarmServerErrors',
    threshold: 5,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
  },
  LatencyAlarm: {
    watches: {
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      Dimensions: API,
      ExtendedStatistic: 'p99',
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    },
    param: 'alarmLatencyP99Ms',
    threshold: 1000,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
  },
  ThrottlesAlarm: {
    watches: { EvaluationPeriods: 1 },
    param: 'alarmThrottles',
    threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
  },
  UnavailableAlarm: {
    watches: { EvaluationPeriods: 1 },
    param: 'alarmUnavailable',
    threshold: 3,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
  },
  RetriesAlarm: {
    watches: { EvaluationPeriods: 2, DatapointsToAlarm: 2 },
    param: 'alarmRetries',
    threshold: 25,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
  },
  DatabaseCapacityAlarm: {
    watches: {
      Namespace: 'AWS/RDS',
      MetricName: 'ACUUtilization',
      Dimensions: [{ Name: 'DBClusterIdentifier', Value: { Ref: 'AuroraCluster' } }],
      Statistic: 'Average',
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    },
    param: 'alarmAcuUtilizationPercent',
    threshold: 80,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'missing',
  },
  GroupSizeAlarm: {
    watches: { EvaluationPeriods: 1 },
    param: 'largeGroupWarningSize',
    threshold: 1000,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
  },
} as const;
type AlarmId = keyof typeof ALARMS;
const ALARM_IDS = Object.keys(ALARMS) as AlarmId[];

/** The Metrics Insights query of an alarm on the service's own metrics, taken apart. */
function insightsQuery(alarm: Props) {
  const [query] = alarm.Metrics as { Expression: string; Period: number; ReturnData: boolean }[];
  const match = /^SELECT (SUM|MAX)\((\w+)\) FROM SCHEMA\("([^"]+)", ([\w, ]+)\) WHERE (.+)$/.exec(query!.Expression);
  if (!match) throw new Error(`not a Metrics Insights query of one metric: ${query!.Expression}`);
  const where = Object.fromEntries(match[5]!.split(' AND ').map((clause) => /^(\w+) = '([^']*)'$/.exec(clause)!.slice(1, 3) as [string, string]));
  return {
    fn: match[1],
    metric: match[2],
    namespace: match[3],
    schema: match[4]!.split(', ').sort(),
    where,
    period: query!.Period,
    returns: query!.ReturnData,
  };
}

/** One request through requestMetrics with the service's own Metrics for `stage`, serialised as CloudWatch receives it. */
async function published(stage: string) {
  const metrics = createMetrics(stage);
  const context = lambdaContext();
  await throughChain([], apiEvent('{}'), {
    context,
    outer: [requestMetrics(metrics)],
    handler: () =>
      runInRequestScope(context, undefined, async () => {
        recordOutcome('linked', 5);
        recordGroupSize(2);
      }),
  });
  const emf = metrics.serializeMetrics() as unknown as Record<string, any>;
  const [directive] = emf._aws.CloudWatchMetrics as { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
  return { emf, directive: directive! };
}

describe('the alarms', () => {
  it('are in every packaged stage (dev, prod, JWT), named per stage, each notifying the topic when it fires and when it recovers', () => {
    for (const stage of DEPLOYED) {
      const template = stages[stage];
      expect(ofType(template, 'AWS::CloudWatch::Alarm').sort(), stage).toEqual([...ALARM_IDS].sort());
      expect(template.Resources.AlarmTopic!.Type).toBe('AWS::SNS::Topic');
      for (const id of ALARM_IDS) {
        const alarm = props(template, id);
        expect(alarm.AlarmName, `${stage} ${id}`).toMatch(new RegExp(`^identify-${stageName(stage)}-[a-z0-9-]+$`));
        expect(alarm.AlarmActions, `${stage} ${id}`).toEqual([TOPIC]);
        expect(alarm.OKActions, `${stage} ${id}`).toEqual([TOPIC]);
        expect(alarm.AlarmDescription, `${stage} ${id}`).toContain('docs/DEPLOY.md#runbook');
      }
      expect(template.Outputs!.AlarmTopicArn!.Value, stage).toEqual(TOPIC);
    }
  });

  it('watch their metric, compare with their param’s default and treat missing data as chosen', () => {
    for (const stage of DEPLOYED) {
      for (const id of ALARM_IDS) {
        const { watches, threshold, ComparisonOperator, TreatMissingData } = ALARMS[id];
        const alarm = props(stages[stage], id);
        expect(alarm, `${stage} ${id}`).toMatchObject({ ...watches, ComparisonOperator, TreatMissingData });
        expect(Number(alarm.Threshold), `${stage} ${id}`).toBe(threshold);
      }
    }
  });

  it('take each threshold from its param', () => {
    for (const id of ALARM_IDS) {
      expect(props(stages.tuned, id).Threshold, id).toBe(TUNED[ALARMS[id].param]);
    }
  });

  it('on the service’s own metrics, select exactly the namespace, dimensions and values the service publishes, per stage', async () => {
    for (const stage of DEPLOYED) {
      // The deployed function publishes under its stage's name (lib/runtime/config.ts reads STAGE).
      expect(props(stages[stage], 'IdentifyLambdaFunction').Environment.Variables.STAGE, stage).toBe(stageName(stage));
      const { emf, directive } = await published(stageName(stage));
      expect(directive.Namespace).toBe(METRICS_NAMESPACE);
      for (const [id, fn, metric] of [
        ['UnavailableAlarm', 'SUM', 'Requests'],
        ['RetriesAlarm', 'SUM', 'Retries'],
        ['GroupSizeAlarm', 'MAX', 'GroupSize'],
      ] as const) {
        const query = insightsQuery(props(stages[stage], id));
        expect({ fn: query.fn, metric: query.metric, period: query.period, returns: query.returns }, `${stage} ${id}`).toEqual({
          fn,
          metric,
          period: 300,
          returns: true,
        });
        expect(query.namespace, `${stage} ${id}`).toBe(directive.Namespace);
        expect(query.schema, `${stage} ${id}`).toEqual([...directive.Dimensions[0]!].sort());
        expect(directive.Metrics.map((m) => m.Name)).toContain(metric);
        // Every filter names a published dimension, with the value this stage publishes (outcome aside: 503s only).
        const { outcome, ...rest } = query.where;
        expect(rest, `${stage} ${id}`).toEqual({ service: METRICS_SERVICE, stage: stageName(stage) });
        expect(rest).toEqual({ service: emf.service, stage: emf.stage });
        expect(outcome, `${stage} ${id}`).toBe(id === 'UnavailableAlarm' ? 'unavailable' : undefined);
      }
    }
  });

  it('sum the Lambda Throttles of every function behind a route', () => {
    for (const stage of DEPLOYED) {
      const metrics = props(stages[stage], 'ThrottlesAlarm').Metrics as Props[];
      const routeFunctions = ['Identify', 'Lookup', 'Erase', 'Unlink', 'Block', 'Unblock'];
      const functionNames = routeFunctions.map((name) => props(stages[stage], `${name}LambdaFunction`).FunctionName);
      expect(metrics, stage).toEqual([
        { Id: 'throttles', Label: expect.any(String), Expression: 'SUM(METRICS())', ReturnData: true },
        ...functionNames.map((functionName, i) => ({
          Id: `f${i}`,
          MetricStat: {
            Metric: { Namespace: 'AWS/Lambda', MetricName: 'Throttles', Dimensions: [{ Name: 'FunctionName', Value: functionName }] },
            Period: 300,
            Stat: 'Sum',
          },
          ReturnData: false,
        })),
      ]);
      expect(functionNames).toEqual(routeFunctions.map((name) => `identify-${stageName(stage)}-${name.toLowerCase()}`));
    }
  });
});

describe('the alarm topic’s e-mail subscription', () => {
  it('exists only when param alarmEmail is set, on the topic, by e-mail', () => {
    for (const stage of DEPLOYED) expect(ofType(stages[stage], 'AWS::SNS::Subscription'), stage).toEqual([]);
    expect(stages.tuned.Resources.AlarmEmailSubscription).toEqual({
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: TOPIC, Protocol: 'email', Endpoint: EMAIL },
    });
  });

  it('stops the packaging, naming the param, when alarmEmail is not one address', async () => {
    const alarms = createRequire(import.meta.url)('./alarms.cjs') as {
      emailSubscription(source: { resolveVariable: (variable: string) => Promise<unknown> }): Promise<Props>;
    };
    const withEmail = (email: string) => ({ resolveVariable: async (variable: string) => (variable === "param:alarmEmail, ''" ? email : undefined) });
    await expect(alarms.emailSubscription(withEmail('oncall@example.com, ops@example.com'))).rejects.toThrow(/param "alarmEmail"/);
    await expect(alarms.emailSubscription(withEmail('oncall'))).rejects.toThrow(/param "alarmEmail"/);
    expect(await alarms.emailSubscription(withEmail(' '))).toEqual({});
  });

  it('is the only place the address appears: no alarm, topic or dashboard holds an e-mail address', () => {
    const { AlarmEmailSubscription: _, ...others } = stages.tuned.Resources;
    const monitoring = Object.values(others).filter((resource) => /^AWS::(CloudWatch|SNS)::/.test(resource.Type));
    expect(monitoring.length).toBe(ALARM_IDS.length + 2);
    expect(JSON.stringify(monitoring)).not.toMatch(/@/);
  });
});

describe('the dashboard', () => {
  interface Widget {
    type: string;
    x: number;
    y: number;
    width: number;
    height: number;
    properties: { title?: string; markdown?: string; region?: string; metrics?: unknown[][] };
  }
  const body = (stage: keyof typeof stages) => {
    const { DashboardBody, DashboardName } = props(stages[stage], 'Dashboard');
    const text = (DashboardBody as { 'Fn::Sub': string })['Fn::Sub'];
    return { name: DashboardName as string, text, widgets: (JSON.parse(text) as { widgets: Widget[] }).widgets };
  };
  /** Every metric line of every widget, as "namespace name dim=value ..." strings and SEARCH/math expressions. */
  const lines = (widgets: Widget[]) =>
    widgets.flatMap((widget) =>
      (widget.properties.metrics ?? []).map((line) => {
        const options = line.at(-1) as { expression?: string; stat?: string };
        if (options.expression) return options.expression;
        const [namespace, name, ...dimensions] = line.slice(0, -1) as string[];
        const pairs = dimensions.flatMap((value, i) => (i % 2 === 0 ? [`${value}=${dimensions[i + 1]}`] : []));
        return [namespace, name, ...pairs, options.stat].join(' ');
      }),
    );

  it('is one per stage, filled in by CloudFormation with the API, the cluster and the region only', () => {
    for (const stage of DEPLOYED) {
      const { name, text } = body(stage);
      expect(name).toBe(`identify-${stageName(stage)}`);
      expect(new Set(text.match(/\$\{[^}]*\}/g))).toEqual(new Set([HTTP_API, CLUSTER, REGION]));
    }
  });

  it('shows the API’s requests, 4xx, 5xx and p50/p99, the functions’ throttles, the ACUs, and the service’s calls, retries and group sizes', () => {
    for (const stage of DEPLOYED) {
      const all = lines(body(stage).widgets).join('\n');
      const s = stageName(stage);
      for (const expected of [
        `AWS/ApiGateway Count ApiId=${HTTP_API} Sum`,
        `AWS/ApiGateway 4xx ApiId=${HTTP_API} Sum`,
        `AWS/ApiGateway 5xx ApiId=${HTTP_API} Sum`,
        `AWS/ApiGateway Latency ApiId=${HTTP_API} p50`,
        `AWS/ApiGateway Latency ApiId=${HTTP_API} p99`,
        `AWS/Lambda Throttles FunctionName=identify-${s}-identify Sum`,
        `AWS/RDS ServerlessDatabaseCapacity DBClusterIdentifier=${CLUSTER} Maximum`,
        `AWS/RDS ACUUtilization DBClusterIdentifier=${CLUSTER} Average`,
        `SUM(SEARCH('{Identify,outcome,route,service,stage} MetricName="DataApiCalls" service="identify" stage="${s}"', 'Sum', 300))`,
        `SUM(SEARCH('{Identify,outcome,route,service,stage} MetricName="Retries" service="identify" stage="${s}"', 'Sum', 300))`,
        `MAX(SEARCH('{Identify,outcome,route,service,stage} MetricName="GroupSize" service="identify" stage="${s}"', 'Maximum', 300))`,
      ]) {
        expect(all, `${stage}: ${expected}`).toContain(expected);
      }
    }
  });

  it('gives POST /identify a row: requests and Data API calls by outcome, the function’s duration p50/p99, errors, throttles and cold starts', () => {
    for (const stage of DEPLOYED) {
      const s = stageName(stage);
      const { widgets } = body(stage);
      expect(widgets.filter((w) => w.type === 'text').map((w) => w.properties.markdown)).toContain(`### POST /identify (function identify-${s}-identify)`);
      const row = lines(widgets.filter((w) => w.properties.title?.startsWith('POST /identify: ')));
      expect(row).toEqual([
        `SEARCH('{Identify,outcome,route,service,stage} MetricName="Requests" service="identify" stage="${s}" route="POST /identify"', 'Sum', 300)`,
        `SEARCH('{Identify,outcome,route,service,stage} MetricName="DataApiCalls" service="identify" stage="${s}" route="POST /identify"', 'Average', 300)`,
        `AWS/Lambda Duration FunctionName=identify-${s}-identify p50`,
        `AWS/Lambda Duration FunctionName=identify-${s}-identify p99`,
        `AWS/Lambda Errors FunctionName=identify-${s}-identify Sum`,
        `AWS/Lambda Throttles FunctionName=identify-${s}-identify Sum`,
        `Identify ColdStart service=identify stage=${s} function_name=identify-${s}-identify Sum`,
      ]);
    }
  });

  it('lays its widgets out without overlap, within the 24-column grid', () => {
    const { widgets } = body('dev');
    for (const [i, a] of widgets.entries()) {
      expect(a.x + a.width, a.properties.title).toBeLessThanOrEqual(24);
      for (const b of widgets.slice(i + 1)) {
        const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expect(overlap, `${a.properties.title ?? a.properties.markdown} / ${b.properties.title ?? b.properties.markdown}`).toBe(false);
      }
    }
  });
});

describe('a route added to serverless.yml', () => {
  interface Source {
    resolveVariable: (variable: string) => Promise<unknown>;
  }
  const load = createRequire(import.meta.url);
  const alarms = load('./alarms.cjs') as { throttlesMetrics(source: Source): Promise<Props[]> };
  const dashboard = load('./dashboard.cjs') as { body(source: Source): Promise<{ 'Fn::Sub': string }> };
  const functions = {
    identify: { handler: 'functions/identify.handler', events: [{ httpApi: { path: '/identify', method: 'post' } }] },
    lookup: { handler: 'functions/lookup.handler', events: [{ httpApi: { path: '/lookup', method: 'get' } }, { httpApi: 'POST /erase' }] },
    migrate: { handler: 'functions/migrate.handler' },
  };
  const source: Source = {
    resolveVariable: async (variable) =>
      ({ 'self:functions': functions, 'self:service': 'identify', 'sls:stage': 'qa' })[variable] ?? (variable.startsWith('param:') ? '100' : undefined),
  };

  it('gets a dashboard row per route and its function in the throttles alarm, with no other change', async () => {
    const throttled = (await alarms.throttlesMetrics(source)).flatMap((m) => m.MetricStat?.Metric.Dimensions.map((d: Props) => d.Value) ?? []);
    expect(throttled).toEqual(['identify-qa-identify', 'identify-qa-lookup']);
    const { widgets } = JSON.parse((await dashboard.body(source))['Fn::Sub']) as { widgets: { type: string; properties: { markdown?: string } }[] };
    expect(widgets.filter((w) => w.type === 'text').map((w) => w.properties.markdown)).toEqual([
      '### API (all routes, what callers see) and database: qa',
      '### POST /identify (function identify-qa-identify)',
      '### GET /lookup (function identify-qa-lookup)',
      '### POST /erase (function identify-qa-lookup)',
    ]);
  });
});
