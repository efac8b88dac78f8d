import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Template, TemplateValidator } from '../../test/support/cfn-schema.js';
import { readZip } from '../../test/support/zip.js';
import { EXAMPLE_JWT, EXAMPLE_JWT_PARAMS, PackagingWorkspace, withoutAws } from './package-stage.js';

// The CloudFormation template as `npm run package` writes it, for dev and prod, on a machine with no
// AWS credentials. The packaging runs in a copy of the project (node_modules linked), so that its
// esbuild work directory never meets the one serverless-offline uses for the end-to-end tests.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

type Resource = Template['Resources'][string];
interface Packaged {
  dir: string;
  template: Template;
  createTemplate: Template;
}

let workspace: PackagingWorkspace;
let validator: TemplateValidator;
const stages: Record<'dev' | 'prod' | 'local' | 'devMax6' | 'devJwt' | 'qaThrottled', Packaged> = {} as never;
const { issuer: JWT_ISSUER, audiences: JWT_AUDIENCES } = EXAMPLE_JWT;

async function npmPackage(stage: string, ...extra: string[]): Promise<Packaged> {
  const dir = await workspace.package(stage, ...extra);
  const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Template;
  return { dir, template: read('cloudformation-template-update-stack.json'), createTemplate: read('cloudformation-template-create-stack.json') };
}

beforeAll(async () => {
  workspace = new PackagingWorkspace();
  validator = await TemplateValidator.load();
  stages.dev = await npmPackage('dev');
  stages.prod = await npmPackage('prod');
  stages.local = await npmPackage('local');
  stages.devMax6 = await npmPackage('dev', '--param=maxCapacity=6');
  stages.devJwt = await npmPackage('dev', ...EXAMPLE_JWT_PARAMS);
  // A stage with no params of its own, throttled by the command line.
  stages.qaThrottled = await npmPackage('qa', '--param=throttleRateLimit=5', '--param=throttleBurstLimit=7');
}, 180_000);

afterAll(() => workspace?.remove());

const dev = () => stages.dev.template;
const prod = () => stages.prod.template;
const res = (template: Template, logicalId: string): Resource => {
  const resource = template.Resources[logicalId];
  if (!resource) throw new Error(`the template has no ${logicalId}`);
  return resource;
};
const props = (template: Template, logicalId: string) => res(template, logicalId).Properties as Record<string, any>;
const getAtt = (logicalId: string, attribute: string) => ({ 'Fn::GetAtt': [logicalId, attribute] });
const CLUSTER_ARN = getAtt('AuroraCluster', 'DBClusterArn');
const SECRET_ARN = getAtt('AuroraCluster', 'MasterUserSecret.SecretArn');

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}
function statementsOf(template: Template, roleId: string): Statement[] {
  return (props(template, roleId).Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((policy) => policy.PolicyDocument.Statement);
}
const actions = (statement: Statement) => [statement.Action].flat();

/** Every API route of a template: its key, its properties, and the logical id of the function its integration invokes. */
function routesOf(template: Template): { routeKey: string; functionId: string; properties: Record<string, any> }[] {
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route')
    .map((resource) => {
      const properties = resource.Properties as Record<string, any>;
      const integrationId = properties.Target['Fn::Join'][1][1].Ref as string;
      const functionId = props(template, integrationId).IntegrationUri['Fn::GetAtt'][0] as string;
      return { routeKey: properties.RouteKey as string, functionId, properties };
    });
}

/** A Fn::Sub string with each ${Reference} written <Reference>, as a stand-in for what CloudFormation substitutes. */
const substituted = (text: string) => text.replace(/\$\{([^}]+)\}/g, (_, name: string) => `<${name}>`);

describe('npm run package', () => {
  it('writes the templates and one zip per function, with no AWS credentials', () => {
    for (const stage of ['dev', 'prod'] as const) {
      const files = readdirSync(stages[stage].dir).sort();
      expect(files).toEqual([
        'block.zip',
        'cloudformation-template-create-stack.json',
        'cloudformation-template-update-stack.json',
        'erase.zip',
        'identify.zip',
        'lookup.zip',
        'migrate.zip',
        'serverless-state.json',
        'unblock.zip',
        'unlink.zip',
      ]);
    }
  });

  it('declares exactly these resources', () => {
    const types = Object.fromEntries(Object.entries(dev().Resources).map(([id, resource]) => [id, resource.Type]));
    expect(types).toEqual({
      ServerlessDeploymentBucket: 'AWS::S3::Bucket',
      ServerlessDeploymentBucketPolicy: 'AWS::S3::BucketPolicy',
      IdentifyLogGroup: 'AWS::Logs::LogGroup',
      LookupLogGroup: 'AWS::Logs::LogGroup',
      EraseLogGroup: 'AWS::Logs::LogGroup',
      UnlinkLogGroup: 'AWS::Logs::LogGroup',
      BlockLogGroup: 'AWS::Logs::LogGroup',
      UnblockLogGroup: 'AWS::Logs::LogGroup',
      MigrateLogGroup: 'AWS::Logs::LogGroup',
      IdentifyRole: 'AWS::IAM::Role',
      LookupRole: 'AWS::IAM::Role',
      PrivacyRole: 'AWS::IAM::Role',
      MigrateRole: 'AWS::IAM::Role',
      IdentifyLambdaFunction: 'AWS::Lambda::Function',
      LookupLambdaFunction: 'AWS::Lambda::Function',
      EraseLambdaFunction: 'AWS::Lambda::Function',
      UnlinkLambdaFunction: 'AWS::Lambda::Function',
      BlockLambdaFunction: 'AWS::Lambda::Function',
      UnblockLambdaFunction: 'AWS::Lambda::Function',
      MigrateLambdaFunction: 'AWS::Lambda::Function',
      HttpApi: 'AWS::ApiGatewayV2::Api',
      HttpApiStage: 'AWS::ApiGatewayV2::Stage',
      HttpApiIntegrationIdentify: 'AWS::ApiGatewayV2::Integration',
      HttpApiRoutePostIdentify: 'AWS::ApiGatewayV2::Route',
      IdentifyLambdaPermissionHttpApi: 'AWS::Lambda::Permission',
      HttpApiIntegrationLookup: 'AWS::ApiGatewayV2::Integration',
      HttpApiRoutePostLookup: 'AWS::ApiGatewayV2::Route',
      LookupLambdaPermissionHttpApi: 'AWS::Lambda::Permission',
      HttpApiIntegrationErase: 'AWS::ApiGatewayV2::Integration',
      HttpApiRoutePostErase: 'AWS::ApiGatewayV2::Route',
      EraseLambdaPermissionHttpApi: 'AWS::Lambda::Permission',
      HttpApiIntegrationUnlink: 'AWS::ApiGatewayV2::Integration',
      HttpApiRoutePostUnlink: 'AWS::ApiGatewayV2::Route',
      UnlinkLambdaPermissionHttpApi: 'AWS::Lambda::Permission',
      HttpApiIntegrationBlock: 'AWS::ApiGatewayV2::Integration',
      HttpApiRoutePostBlock: 'AWS::ApiGatewayV2::Route',
      BlockLambdaPermissionHttpApi: 'AWS::Lambda::Permission',
      HttpApiIntegrationUnblock: 'AWS::ApiGatewayV2::Integration',
      HttpApiRoutePostUnblock: 'AWS::ApiGatewayV2::Route',
      UnblockLambdaPermissionHttpApi: 'AWS::Lambda::Permission',
      Vpc: 'AWS::EC2::VPC',
      DatabaseSubnetA: 'AWS::EC2::Subnet',
      DatabaseSubnetB: 'AWS::EC2::Subnet',
      DatabaseSubnetGroup: 'AWS::RDS::DBSubnetGroup',
      DatabaseSecurityGroup: 'AWS::EC2::SecurityGroup',
      AuroraCluster: 'AWS::RDS::DBCluster',
      AuroraWriter: 'AWS::RDS::DBInstance',
      SchemaMigrations: 'Custom::SchemaMigrations',
      AlarmTopic: 'AWS::SNS::Topic',
      ServerErrorsAlarm: 'AWS::CloudWatch::Alarm',
      LatencyAlarm: 'AWS::CloudWatch::Alarm',
      ThrottlesAlarm: 'AWS::CloudWatch::Alarm',
      UnavailableAlarm: 'AWS::CloudWatch::Alarm',
      RetriesAlarm: 'AWS::CloudWatch::Alarm',
      DatabaseCapacityAlarm: 'AWS::CloudWatch::Alarm',
      GroupSizeAlarm: 'AWS::CloudWatch::Alarm',
      Dashboard: 'AWS::CloudWatch::Dashboard',
    });
    expect(Object.keys(prod().Resources).sort()).toEqual(Object.keys(dev().Resources).sort());
  });
});

describe('AWS CloudFormation resource schemas (@aws-cdk/aws-service-spec)', () => {
  it('accept every resource of the dev and prod templates', () => {
    for (const stage of ['dev', 'prod', 'devMax6', 'devJwt', 'qaThrottled'] as const) {
      expect(validator.validate(stages[stage].template), stage).toEqual([]);
      expect(validator.validate(stages[stage].createTemplate), `${stage} create`).toEqual([]);
    }
  });

  it('reject what CloudFormation would reject (the check can fail)', () => {
    const broken = structuredClone(dev());
    const cluster = props(broken, 'AuroraCluster');
    cluster.EnableHttpEndPoint = true;
    cluster.StorageEncrypted = { yes: true };
    cluster.ServerlessV2ScalingConfiguration.MaxCapacity = 'lots';
    props(broken, 'IdentifyLambdaFunction').Environment.Variables.DB_SECRET_ARN = getAtt('AuroraCluster', 'SecretArn');
    res(broken, 'DatabaseSubnetA').DeletionPolicy = 'Snapshot';
    props(broken, 'HttpApiRoutePostIdentify').Target = { 'Fn::Join': ['/', ['integrations', { Ref: 'NoSuchIntegration' }]] };
    delete props(broken, 'DatabaseSubnetB').VpcId;
    broken.Resources.Typo = { Type: 'AWS::RDS::DBClustr', Properties: {} };
    const paths = validator
      .validate(broken)
      .map((problem) => problem.path)
      .sort();
    expect(paths).toEqual(
      [
        'Resources.AuroraCluster.Properties.EnableHttpEndPoint',
        'Resources.AuroraCluster.Properties.StorageEncrypted',
        'Resources.AuroraCluster.Properties.ServerlessV2ScalingConfiguration.MaxCapacity',
        'Resources.IdentifyLambdaFunction.Properties.Environment.Variables.DB_SECRET_ARN',
        'Resources.DatabaseSubnetA.DeletionPolicy',
        'Resources.HttpApiRoutePostIdentify.Properties.Target.Fn::Join.1.1',
        'Resources.DatabaseSubnetB.Properties',
        'Resources.Typo',
      ].sort(),
    );
  });
});

describe('the API', () => {
  it('routes POST /identify to the identify function through a Lambda proxy integration', () => {
    const route = props(dev(), 'HttpApiRoutePostIdentify');
    expect(route.RouteKey).toBe('POST /identify');
    expect(route.ApiId).toEqual({ Ref: 'HttpApi' });
    expect(route.Target).toEqual({ 'Fn::Join': ['/', ['integrations', { Ref: 'HttpApiIntegrationIdentify' }]] });
    // The Ref orders the route after its integration: no DependsOn restating it (cfn-lint W3005).
    expect(res(dev(), 'HttpApiRoutePostIdentify').DependsOn).toBeUndefined();
    const integration = props(dev(), 'HttpApiIntegrationIdentify');
    expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0', IntegrationUri: getAtt('IdentifyLambdaFunction', 'Arn') });
    expect(integration.TimeoutInMillis).toBeLessThanOrEqual(30_000);
    const permission = props(dev(), 'IdentifyLambdaPermissionHttpApi');
    expect(permission).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      FunctionName: getAtt('IdentifyLambdaFunction', 'Arn'),
    });
    expect(JSON.stringify(permission.SourceArn)).toContain('"Ref":"HttpApi"');
    expect(props(dev(), 'HttpApi').ProtocolType).toBe('HTTP');
    // The only routes: nothing else is exposed, each route to its own function.
    const routes = Object.values(dev().Resources).filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route');
    expect(routes.map((route) => (route.Properties as { RouteKey: string }).RouteKey).sort()).toEqual([
      'POST /block',
      'POST /erase',
      'POST /identify',
      'POST /lookup',
      'POST /unblock',
      'POST /unlink',
    ]);
    expect(props(dev(), 'HttpApiIntegrationLookup')).toMatchObject({ IntegrationType: 'AWS_PROXY', IntegrationUri: getAtt('LookupLambdaFunction', 'Arn') });
  });
});

describe('who may call the API', () => {
  const ROUTE = 'HttpApiRoutePostIdentify';
  const AUTHORIZER = 'HttpApiAuthorizerJwt';
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a JavaScript template
  const INVOKE_ARN = 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/$default/POST/identify';
  const ofType = (template: Template, type: string) => Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

  it('requires IAM authorization (SigV4) on every route by default, on every deployed stage', () => {
    for (const stage of ['dev', 'prod', 'devMax6', 'qaThrottled'] as const) {
      const routes = routesOf(stages[stage].template);
      expect(
        routes.map((route) => route.routeKey),
        stage,
      ).toEqual(expect.arrayContaining(['POST /identify', 'POST /lookup', 'POST /erase', 'POST /unlink', 'POST /block', 'POST /unblock']));
      for (const { routeKey, properties } of routes) {
        expect(properties.AuthorizationType, `${stage} ${routeKey}`).toBe('AWS_IAM');
        expect(properties.AuthorizerId, `${stage} ${routeKey}`).toBeUndefined();
        expect(properties.AuthorizationScopes, `${stage} ${routeKey}`).toBeUndefined();
      }
      expect(ofType(stages[stage].template, 'AWS::ApiGatewayV2::Authorizer'), stage).toEqual([]);
    }
  });

  it('requires a JWT from the configured issuer, for the configured audience, when a stage chooses jwt', () => {
    const template = stages.devJwt.template;
    const route = props(template, ROUTE);
    expect(route.AuthorizationType).toBe('JWT');
    expect(route.AuthorizerId).toEqual({ Ref: AUTHORIZER });
    expect(res(template, AUTHORIZER).Type).toBe('AWS::ApiGatewayV2::Authorizer');
    expect(props(template, AUTHORIZER)).toEqual({
      ApiId: { Ref: 'HttpApi' },
      Name: 'jwt',
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: JWT_ISSUER, Audience: JWT_AUDIENCES },
    });
    // The authorizer is the only addition: no function, no role, no permission comes with it.
    expect(Object.keys(template.Resources).sort()).toEqual([...Object.keys(dev().Resources), AUTHORIZER].sort());
  });

  it('on a JWT stage, requires on each route exactly its own scope: a token for /lookup does not open /identify, nor the reverse', () => {
    const template = stages.devJwt.template;
    // serverless.yml's default jwtScopePrefix, identify/, then the route's name.
    expect(props(template, 'HttpApiRoutePostIdentify').AuthorizationScopes).toEqual(['identify/identify']);
    expect(props(template, 'HttpApiRoutePostLookup').AuthorizationScopes).toEqual(['identify/lookup']);
    const routes = routesOf(template);
    expect(routes.map((route) => route.routeKey)).toEqual(expect.arrayContaining(['POST /identify', 'POST /lookup']));
    for (const { routeKey, functionId, properties } of routes) {
      expect(properties.AuthorizationType, routeKey).toBe('JWT');
      expect(properties.AuthorizerId, routeKey).toEqual({ Ref: AUTHORIZER });
      // The scope names the function behind the route (identify/erase for the erase function, and so on)...
      const functionName = props(template, functionId).FunctionName as string;
      expect(properties.AuthorizationScopes, routeKey).toEqual([`identify/${functionName.replace(/^identify-dev-/, '')}`]);
    }
    // ...and no two routes share one: API Gateway lets a token through when it holds any one of the route's scopes.
    const scopes = routes.flatMap((route) => route.properties.AuthorizationScopes as string[]);
    expect(new Set(scopes).size).toBe(scopes.length);
  });

  it('throttles every stage: dev and prod by their params, any other stage by the defaults or the command line', () => {
    const settings = (template: Template) => props(template, 'HttpApiStage').DefaultRouteSettings;
    expect(settings(dev())).toEqual({ DetailedMetricsEnabled: false, ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
    expect(settings(prod())).toEqual({ DetailedMetricsEnabled: false, ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 });
    expect(settings(stages.devJwt.template)).toEqual(settings(dev()));
    expect(settings(stages.qaThrottled.template)).toEqual({ DetailedMetricsEnabled: false, ThrottlingRateLimit: '5', ThrottlingBurstLimit: '7' });
    expect(settings(stages.local.template)).toMatchObject({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
    // Per-route settings would override the stage's: there are none.
    for (const stage of ['dev', 'prod', 'devJwt', 'qaThrottled'] as const)
      expect(props(stages[stage].template, 'HttpApiStage').RouteSettings, stage).toBeUndefined();
  });

  it('outputs the exact execute-api ARN of the route and the policy statement a caller’s role needs', () => {
    for (const stage of ['dev', 'prod', 'qaThrottled'] as const) {
      const outputs = stages[stage].template.Outputs!;
      expect(outputs.IdentifyInvokeArn!.Value, stage).toEqual({ 'Fn::Sub': INVOKE_ARN });
      // Each route its own grant: a support tool gets /lookup, not /identify.
      expect(outputs.LookupInvokeArn!.Value, stage).toEqual({ 'Fn::Sub': INVOKE_ARN.replace('/identify', '/lookup') });
      expect((outputs.LookupInvokePolicyStatement!.Value as { 'Fn::Sub': string })['Fn::Sub'], stage).toContain('/$default/POST/lookup"');
      const statement = (outputs.IdentifyInvokePolicyStatement!.Value as { 'Fn::Sub': string })['Fn::Sub'];
      // A JSON document once CloudFormation has substituted the references.
      expect(JSON.parse(substituted(statement)), stage).toEqual({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: substituted(INVOKE_ARN) });
    }
    // The ARN names the route as it is deployed: the stage's name, then the route key's method and path.
    const routeKey = props(dev(), ROUTE).RouteKey as string;
    const stageName = props(dev(), 'HttpApiStage').StageName as string;
    expect(INVOKE_ARN.endsWith(`:\${HttpApi}/${stageName}/${routeKey.replace(' ', '')}`)).toBe(true);
  });

  it('outputs one grant per route, for exactly the routes there are: its ARN and the statement that allows that route alone', () => {
    for (const stage of ['dev', 'prod', 'devJwt', 'qaThrottled', 'local'] as const) {
      const { template } = stages[stage];
      const expected: Record<string, unknown> = {};
      for (const { routeKey } of routesOf(template)) {
        const [method, path] = routeKey.split(' ') as [string, string];
        const name = path.slice(1, 2).toUpperCase() + path.slice(2);
        const arn = INVOKE_ARN.replace('POST/identify', `${method}${path}`);
        expected[`${name}InvokeArn`] = { 'Fn::Sub': arn };
        expected[`${name}InvokePolicyStatement`] = { 'Fn::Sub': JSON.stringify({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: arn }) };
        for (const output of [`${name}InvokeArn`, `${name}InvokePolicyStatement`]) {
          expect(template.Outputs?.[output]?.Description, `${stage} ${output}`).toContain(` ${routeKey} on this stage`);
        }
      }
      const invokeOutputs = Object.entries(template.Outputs ?? {}).filter(([name]) => /Invoke/.test(name));
      expect(Object.fromEntries(invokeOutputs.map(([name, output]) => [name, output.Value])), stage).toEqual(expected);
      expect(Object.keys(expected), stage).toEqual(
        expect.arrayContaining(['IdentifyInvokeArn', 'IdentifyInvokePolicyStatement', 'LookupInvokeArn', 'LookupInvokePolicyStatement']),
      );
    }
    // Each statement grants one route: the identify grant does not reach /lookup, nor the reverse.
    const outputs = dev().Outputs!;
    const resourceOf = (name: string) => JSON.parse(substituted((outputs[name]!.Value as { 'Fn::Sub': string })['Fn::Sub'])).Resource as string;
    expect(resourceOf('IdentifyInvokePolicyStatement')).toMatch(/\/POST\/identify$/);
    expect(resourceOf('LookupInvokePolicyStatement')).toMatch(/\/POST\/lookup$/);
    expect(resourceOf('IdentifyInvokePolicyStatement')).not.toContain('*');
  });

  it('has no CORS configuration and no OPTIONS route: callers are backends, never browsers', () => {
    for (const stage of ['dev', 'prod', 'devJwt', 'qaThrottled', 'local'] as const) {
      expect(props(stages[stage].template, 'HttpApi').CorsConfiguration, stage).toBeUndefined();
      for (const [id, route] of ofType(stages[stage].template, 'AWS::ApiGatewayV2::Route')) {
        expect((route.Properties as { RouteKey: string }).RouteKey, `${stage} ${id}`).not.toMatch(/^OPTIONS /);
      }
    }
  });

  it('grants the functions nothing for it: no execute-api in any role, API Gateway invokes each route function through its one permission', () => {
    for (const stage of ['dev', 'prod', 'devJwt'] as const) {
      for (const role of ['IdentifyRole', 'LookupRole', 'PrivacyRole', 'MigrateRole']) {
        expect(JSON.stringify(props(stages[stage].template, role)), `${stage} ${role}`).not.toMatch(/execute-api|apigateway/);
      }
      const permissions = ofType(stages[stage].template, 'AWS::Lambda::Permission');
      expect(
        permissions.map(([id]) => id),
        stage,
      ).toEqual([
        'IdentifyLambdaPermissionHttpApi',
        'LookupLambdaPermissionHttpApi',
        'EraseLambdaPermissionHttpApi',
        'UnlinkLambdaPermissionHttpApi',
        'BlockLambdaPermissionHttpApi',
        'UnblockLambdaPermissionHttpApi',
      ]);
    }
  });
});

describe('the functions', () => {
  it('run on nodejs22.x, arm64, with modest memory and a timeout under API Gateway’s 30 s', () => {
    const identify = props(dev(), 'IdentifyLambdaFunction');
    expect(identify).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'functions/identify.handler' });
    expect(identify.MemorySize).toBeLessThanOrEqual(1024);
    expect(identify.Timeout).toBeLessThan(30);
    const migrate = props(dev(), 'MigrateLambdaFunction');
    expect(migrate).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'functions/migrate.handler' });
    expect(migrate.MemorySize).toBeLessThanOrEqual(512);
    // Outside any VPC: they reach the cluster through the Data API.
    expect(identify.VpcConfig).toBeUndefined();
    expect(migrate.VpcConfig).toBeUndefined();
  });

  it('are bundled by esbuild, one zip each; the migration zip carries the SQL, byte for byte', () => {
    const identify = readZip(join(stages.dev.dir, 'identify.zip'));
    expect([...identify.keys()]).toEqual(['functions/identify.mjs']);
    const migrate = readZip(join(stages.dev.dir, 'migrate.zip'));
    const sqlFiles = readdirSync(join(ROOT, 'lib/store/migrations/sql'))
      .filter((file) => file.endsWith('.sql'))
      .sort();
    expect(sqlFiles.length).toBeGreaterThan(0);
    expect([...migrate.keys()].sort()).toEqual(['functions/migrate.mjs', ...sqlFiles.map((file) => `lib/store/migrations/sql/${file}`)].sort());
    for (const file of sqlFiles) {
      expect(migrate.get(`lib/store/migrations/sql/${file}`)!.equals(readFileSync(join(ROOT, 'lib/store/migrations/sql', file))), file).toBe(true);
    }
    // A bundle, not the TypeScript sources with a node_modules folder.
    expect(identify.get('functions/identify.mjs')!.toString('utf8')).toContain('RDSDataClient');
  });
});

describe('the bundles, unzipped and run by Node as Lambda would', () => {
  function unzipTo(zipFile: string, dir: string): string {
    for (const [name, data] of readZip(zipFile)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), data);
    }
    return dir;
  }

  async function runNode(script: string, env: Record<string, string> = {}): Promise<any> {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...withoutAws(process.env), POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_REGION: 'us-east-1', ...env },
      timeout: 30_000,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!);
  }

  it('the migration finds its SQL beside the bundle and runs every statement of every file, in order', async () => {
    const dir = unzipTo(join(stages.dev.dir, 'migrate.zip'), join(workspace.dir, 'lambda-migrate'));
    const bundle = pathToFileURL(join(dir, 'functions/migrate.mjs')).href;
    const result = await runNode(`
      const m = await import(${JSON.stringify(bundle)});
      const statements = [];
      const sent = [];
      // An empty database: no ledger rows; the lock row is there to take (lib/store/migrations/lock.ts).
      const db = { run: async (sql) => { statements.push(sql); return { rows: / FOR UPDATE /.test(sql) ? [[1]] : [], affectedRows: 0 }; }, transaction: async (work) => work(db) };
      const handler = m.buildHandler({ connect: () => db, respond: async (url, body) => { sent.push({ url, body }); } });
      const event = { RequestType: 'Create', ResponseURL: 'https://example.invalid/response', StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/identify-dev/x',
        RequestId: 'r1', LogicalResourceId: 'SchemaMigrations', ResourceType: 'Custom::SchemaMigrations', ServiceToken: 'arn',
        ResourceProperties: { ServiceToken: 'arn', ClusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:c', SecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s', Database: 'identify' } };
      await handler(event, { getRemainingTimeInMillis: () => 300000, logStreamName: 'stream' });
      console.log(JSON.stringify({ path: m.MIGRATIONS_PATH, statements, sent }));
    `);
    expect(result.path).toBe(`${join(dir, 'lib/store/migrations/sql')}/`);
    const { loadMigrations } = await import('../../lib/store/migrations/index.js');
    // Besides the ledger's and the lock's own statements: every migration statement, in order, each recorded once applied.
    expect(result.statements.filter((statement: string) => !/\bschema_migrations/.test(statement))).toEqual(
      loadMigrations().flatMap((migration) => migration.statements),
    );
    expect(result.statements.filter((statement: string) => statement.startsWith('INSERT INTO schema_migrations '))).toHaveLength(loadMigrations().length);
    expect(result.sent).toEqual([
      {
        url: 'https://example.invalid/response',
        body: expect.objectContaining({
          Status: 'SUCCESS',
          Data: {
            Database: 'identify',
            Migrations: loadMigrations()
              .map((m) => m.name)
              .join(','),
          },
        }),
      },
    ]);
  });

  it('identify loads with its environment and answers a bad request without touching the database', async () => {
    const dir = unzipTo(join(stages.dev.dir, 'identify.zip'), join(workspace.dir, 'lambda-identify'));
    const bundle = pathToFileURL(join(dir, 'functions/identify.mjs')).href;
    const result = await runNode(
      `
      const { handler } = await import(${JSON.stringify(bundle)});
      const event = { version: '2.0', routeKey: 'POST /identify', rawPath: '/identify', rawQueryString: '', headers: { 'content-type': 'application/json' },
        requestContext: { http: { method: 'POST', path: '/identify' }, requestId: 'r1', stage: '$default' }, body: '{not json', isBase64Encoded: false };
      const context = { awsRequestId: 'r1', functionName: 'identify-dev-identify', functionVersion: '$LATEST', memoryLimitInMB: '512',
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:identify-dev-identify', getRemainingTimeInMillis: () => 29000 };
      const response = await handler(event, context);
      console.log(JSON.stringify(response));
    `,
      {
        DB_CLUSTER_ARN: 'arn:aws:rds:us-east-1:123456789012:cluster:c',
        DB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s',
        DB_NAME: 'identify',
        // Any database call would fail here: nothing listens on this port.
        AWS_ENDPOINT_URL_RDS_DATA: 'http://127.0.0.1:9',
        AWS_ACCESS_KEY_ID: 'none',
        AWS_SECRET_ACCESS_KEY: 'none',
      },
    );
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).message).toEqual(expect.any(String));
  });
});

describe('least privilege', () => {
  it('gives each function its own role, and no framework-wide role', () => {
    expect(props(dev(), 'IdentifyLambdaFunction').Role).toEqual(getAtt('IdentifyRole', 'Arn'));
    expect(props(dev(), 'MigrateLambdaFunction').Role).toEqual(getAtt('MigrateRole', 'Arn'));
    // Ordered after their roles by the GetAtt alone: no DependsOn restating it (cfn-lint W3005; infra/patches/serverless+4.3.1.patch).
    expect(res(dev(), 'IdentifyLambdaFunction').DependsOn).toEqual(['IdentifyLogGroup']);
    expect(res(dev(), 'LookupLambdaFunction').DependsOn).toEqual(['LookupLogGroup']);
    expect(res(dev(), 'MigrateLambdaFunction').DependsOn).toEqual(['MigrateLogGroup']);
    expect(dev().Resources.IamRoleLambdaExecution).toBeUndefined();
    for (const role of ['IdentifyRole', 'LookupRole', 'PrivacyRole', 'MigrateRole']) {
      expect(props(dev(), role).AssumeRolePolicyDocument.Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
      expect(props(dev(), role).ManagedPolicyArns).toBeUndefined();
    }
  });

  it('lets identify use the Data API on this cluster and read this cluster’s secret, and write its own logs', () => {
    const statements = statementsOf(dev(), 'IdentifyRole');
    expect(statements.map((s) => ({ Effect: s.Effect, Action: actions(s).sort(), Resource: s.Resource }))).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: getAtt('IdentifyLogGroup', 'Arn') },
      {
        Effect: 'Allow',
        Action: [
          'rds-data:BatchExecuteStatement',
          'rds-data:BeginTransaction',
          'rds-data:CommitTransaction',
          'rds-data:ExecuteStatement',
          'rds-data:RollbackTransaction',
        ],
        Resource: CLUSTER_ARN,
      },
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: SECRET_ARN },
    ]);
  });

  it('lets lookup read through the Data API on this cluster (statements and read transactions, no batch), read this cluster’s secret, and write its own logs', () => {
    const statements = statementsOf(dev(), 'LookupRole');
    expect(statements.map((s) => ({ Effect: s.Effect, Action: actions(s).sort(), Resource: s.Resource }))).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: getAtt('LookupLogGroup', 'Arn') },
      {
        Effect: 'Allow',
        Action: ['rds-data:BeginTransaction', 'rds-data:CommitTransaction', 'rds-data:ExecuteStatement', 'rds-data:RollbackTransaction'],
        Resource: CLUSTER_ARN,
      },
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: SECRET_ARN },
    ]);
    expect(props(dev(), 'LookupLambdaFunction').Role).toEqual(getAtt('LookupRole', 'Arn'));
  });

  it('lets the privacy functions (erase, unlink, block, unblock) use statements and transactions on this cluster, read its secret, and write their own logs', () => {
    const statements = statementsOf(dev(), 'PrivacyRole');
    expect(statements.map((s) => ({ Effect: s.Effect, Action: actions(s).sort(), Resource: s.Resource }))).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: ['EraseLogGroup', 'UnlinkLogGroup', 'BlockLogGroup', 'UnblockLogGroup'].map((group) => getAtt(group, 'Arn')),
      },
      {
        Effect: 'Allow',
        Action: ['rds-data:BeginTransaction', 'rds-data:CommitTransaction', 'rds-data:ExecuteStatement', 'rds-data:RollbackTransaction'],
        Resource: CLUSTER_ARN,
      },
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: SECRET_ARN },
    ]);
    for (const fn of ['EraseLambdaFunction', 'UnlinkLambdaFunction', 'BlockLambdaFunction', 'UnblockLambdaFunction'])
      expect(props(dev(), fn).Role, fn).toEqual(getAtt('PrivacyRole', 'Arn'));
  });

  it('lets the migration run single statements and hold its lock in a transaction on this cluster, and read this cluster’s secret', () => {
    const statements = statementsOf(dev(), 'MigrateRole');
    expect(statements.map((s) => ({ Effect: s.Effect, Action: actions(s).sort(), Resource: s.Resource }))).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: getAtt('MigrateLogGroup', 'Arn') },
      {
        Effect: 'Allow',
        Action: ['rds-data:BeginTransaction', 'rds-data:CommitTransaction', 'rds-data:ExecuteStatement', 'rds-data:RollbackTransaction'],
        Resource: CLUSTER_ARN,
      },
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: SECRET_ARN },
    ]);
  });

  it('has no wildcard anywhere in the functions’ policies, and no Deny-less NotAction or NotResource', () => {
    for (const stage of ['dev', 'prod'] as const) {
      for (const role of ['IdentifyRole', 'MigrateRole']) {
        for (const statement of statementsOf(stages[stage].template, role)) {
          expect(Object.keys(statement).sort()).toEqual(['Action', 'Effect', 'Resource', 'Sid']);
          for (const action of actions(statement)) expect(action, `${role} ${statement.Sid}`).not.toContain('*');
          for (const resource of [statement.Resource].flat()) {
            expect(typeof resource, `${role} ${statement.Sid}`).toBe('object'); // a reference, never a typed-in ARN or "*"
            expect(JSON.stringify(resource)).not.toMatch(/"\*"|rds-data:\*|secretsmanager:\*/);
          }
        }
      }
    }
  });
});

describe('the cluster', () => {
  it('is Aurora MySQL 3.08 or later (Data API: 3.07+, 0 ACU: 3.08+), with the Data API on, encrypted, its password kept by RDS', () => {
    const cluster = props(dev(), 'AuroraCluster');
    expect(cluster.Engine).toBe('aurora-mysql');
    const version = /^8\.0\.mysql_aurora\.3\.(\d+)\.(\d+)$/.exec(cluster.EngineVersion);
    expect(version, cluster.EngineVersion).not.toBeNull();
    expect(Number(version![1])).toBeGreaterThanOrEqual(8);
    expect(cluster.EnableHttpEndpoint).toBe(true);
    expect(cluster.StorageEncrypted).toBe(true);
    expect(cluster.ManageMasterUserPassword).toBe(true);
    expect(cluster.MasterUserPassword).toBeUndefined();
    expect(cluster.DatabaseName).toBe('identify');
    expect(cluster.EngineMode ?? 'provisioned').toBe('provisioned');
    const writer = props(dev(), 'AuroraWriter');
    expect(writer).toMatchObject({
      Engine: 'aurora-mysql',
      DBInstanceClass: 'db.serverless',
      DBClusterIdentifier: { Ref: 'AuroraCluster' },
      PubliclyAccessible: false,
    });
  });

  it('scales from 0 ACU (auto-pause) to a configurable maximum', () => {
    expect(props(dev(), 'AuroraCluster').ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: 0, MaxCapacity: 2, SecondsUntilAutoPause: 300 });
    expect(props(stages.devMax6.template, 'AuroraCluster').ServerlessV2ScalingConfiguration).toEqual({
      MinCapacity: 0,
      MaxCapacity: '6',
      SecondsUntilAutoPause: 300,
    });
  });

  it('lives in two private subnets in two zones, behind a security group open to nothing', () => {
    const a = props(dev(), 'DatabaseSubnetA');
    const b = props(dev(), 'DatabaseSubnetB');
    expect(a.AvailabilityZone).toEqual({ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] });
    expect(b.AvailabilityZone).toEqual({ 'Fn::Select': [1, { 'Fn::GetAZs': '' }] });
    for (const subnet of [a, b]) expect(subnet).toMatchObject({ VpcId: { Ref: 'Vpc' }, MapPublicIpOnLaunch: false });
    expect(props(dev(), 'DatabaseSubnetGroup').SubnetIds).toEqual([{ Ref: 'DatabaseSubnetA' }, { Ref: 'DatabaseSubnetB' }]);
    const cluster = props(dev(), 'AuroraCluster');
    expect(cluster.DBSubnetGroupName).toEqual({ Ref: 'DatabaseSubnetGroup' });
    expect(cluster.VpcSecurityGroupIds).toEqual([{ Ref: 'DatabaseSecurityGroup' }]);
    const group = props(dev(), 'DatabaseSecurityGroup');
    expect(group.SecurityGroupIngress).toBeUndefined();
    expect(group.SecurityGroupEgress).toEqual([
      { IpProtocol: 'icmp', FromPort: 252, ToPort: 86, CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' },
    ]);
    const routed = Object.values(dev().Resources).filter((resource) =>
      /^AWS::EC2::(InternetGateway|NatGateway|EIP|Route|VPCGatewayAttachment|SecurityGroupIngress)$/.test(resource.Type),
    );
    expect(routed).toEqual([]);
  });
});

describe('wiring', () => {
  it('hands identify the cluster ARN, its secret ARN and the database name by reference', () => {
    const variables = props(dev(), 'IdentifyLambdaFunction').Environment.Variables;
    expect(variables.DB_CLUSTER_ARN).toEqual(CLUSTER_ARN);
    expect(variables.DB_SECRET_ARN).toEqual(SECRET_ARN);
    // The database the migration reports: identify starts only once its table exists.
    expect(variables.DB_NAME).toEqual(getAtt('SchemaMigrations', 'Database'));
  });

  it('runs the migrations as a custom resource once the writer exists, again when the SQL changes', () => {
    const migrations = res(dev(), 'SchemaMigrations');
    expect(migrations.Type).toMatch(/^Custom::/);
    expect([migrations.DependsOn].flat()).toContain('AuroraWriter');
    const properties = migrations.Properties as Record<string, unknown>;
    expect(properties.ServiceToken).toEqual(getAtt('MigrateLambdaFunction', 'Arn'));
    expect(properties.ClusterArn).toEqual(CLUSTER_ARN);
    expect(properties.SecretArn).toEqual(SECRET_ARN);
    expect(properties.Database).toBe(props(dev(), 'AuroraCluster').DatabaseName);
    const migrateTimeout = props(dev(), 'MigrateLambdaFunction').Timeout as number;
    expect(properties.ServiceTimeout as number).toBeGreaterThan(migrateTimeout);
    const hash = createHash('sha256');
    for (const file of readdirSync(join(ROOT, 'lib/store/migrations/sql'))
      .filter((name) => /^\d+_.*\.sql$/.test(name))
      .sort()) {
      hash
        .update(file)
        .update('\0')
        .update(readFileSync(join(ROOT, 'lib/store/migrations/sql', file)))
        .update('\0');
    }
    expect(properties.MigrationsHash).toBe(hash.digest('hex'));
  });

  it('keeps the local stage on the environment, referencing no AWS resource', () => {
    const variables = props(stages.local.template, 'IdentifyLambdaFunction').Environment.Variables;
    expect(variables.DB_CLUSTER_ARN).toBe('arn:aws:rds:us-east-1:123456789012:cluster:identify-local');
    expect(variables.DB_SECRET_ARN).toBe('arn:aws:secretsmanager:us-east-1:123456789012:secret:identify-local');
    expect(variables.DB_NAME).toBe('identify');
  });

  it('gives every log group a retention', () => {
    for (const stage of ['dev', 'prod'] as const) {
      const groups = Object.values(stages[stage].template.Resources).filter((resource) => resource.Type === 'AWS::Logs::LogGroup');
      expect(groups).toHaveLength(7);
      for (const group of groups) expect((group.Properties as { RetentionInDays?: number }).RetentionInDays).toBeGreaterThan(0);
    }
  });
});

describe('stages', () => {
  it('dev can be deleted outright and pauses at 0 ACU', () => {
    const cluster = res(dev(), 'AuroraCluster');
    expect(cluster.DeletionPolicy).toBe('Delete');
    expect(cluster.UpdateReplacePolicy).toBe('Delete');
    expect(props(dev(), 'AuroraCluster').DeletionProtection).toBe(false);
    expect(props(dev(), 'AuroraCluster').ServerlessV2ScalingConfiguration.MinCapacity).toBe(0);
    expect(res(dev(), 'IdentifyLogGroup').DeletionPolicy).toBe('Delete');
    expect(props(dev(), 'IdentifyLogGroup').RetentionInDays).toBe(14);
    expect(props(dev(), 'HttpApiStage').DefaultRouteSettings).toEqual({ DetailedMetricsEnabled: false, ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
  });

  it('prod is protected from deletion, snapshots on delete, keeps its logs and throttles the API', () => {
    const cluster = res(prod(), 'AuroraCluster');
    expect(cluster.DeletionPolicy).toBe('Snapshot');
    expect(cluster.UpdateReplacePolicy).toBe('Snapshot');
    expect(props(prod(), 'AuroraCluster').DeletionProtection).toBe(true);
    expect(props(prod(), 'AuroraCluster').BackupRetentionPeriod).toBeGreaterThan(props(dev(), 'AuroraCluster').BackupRetentionPeriod);
    for (const group of ['IdentifyLogGroup', 'MigrateLogGroup']) {
      expect(res(prod(), group).DeletionPolicy).toBe('Retain');
      expect(res(prod(), group).UpdateReplacePolicy).toBe('Retain');
      expect(props(prod(), group).RetentionInDays).toBe(90);
    }
    const settings = props(prod(), 'HttpApiStage').DefaultRouteSettings;
    expect(settings.ThrottlingBurstLimit).toBeGreaterThan(0);
    expect(settings.ThrottlingRateLimit).toBeGreaterThan(0);
    // Half an ACU kept warm; no auto-pause setting where the writer never pauses.
    expect(props(prod(), 'AuroraCluster').ServerlessV2ScalingConfiguration).toEqual({
      MinCapacity: 0.5,
      MaxCapacity: 8,
      SecondsUntilAutoPause: { Ref: 'AWS::NoValue' },
    });
  });

  it('is named per stage', () => {
    expect(props(dev(), 'IdentifyLambdaFunction').FunctionName).toBe('identify-dev-identify');
    expect(props(prod(), 'IdentifyLambdaFunction').FunctionName).toBe('identify-prod-identify');
  });
});
