import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

/** An API Gateway HTTP API (payload 2.0) event for POST `path` (/identify unless said), as API Gateway sends it. */
export function apiEvent(
  body: string | undefined,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  requestId = 'test',
  path = '/identify',
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId,
      routeKey: `POST ${path}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    body,
    isBase64Encoded: false,
  };
}

/** A Lambda context whose invocation has `budgetMs` left from now. */
export function lambdaContext(budgetMs = 29_000, requestId = 'test'): Context {
  const deadline = Date.now() + budgetMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'identify',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:identify',
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/identify',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

export async function invoke(
  handler: Handler,
  body: unknown,
  options: { headers?: Record<string, string>; budgetMs?: number; path?: string; requestId?: string } = {},
) {
  const text = typeof body === 'string' || body === undefined ? body : JSON.stringify(body);
  const event = apiEvent(text, options.headers, options.requestId, options.path);
  const result = (await handler(event, lambdaContext(options.budgetMs, options.requestId))) as APIGatewayProxyStructuredResultV2;
  let json: any;
  try {
    json = JSON.parse(String(result.body));
  } catch {
    json = undefined;
  }
  return { status: result.statusCode ?? 200, headers: (result.headers ?? {}) as Record<string, string>, json, body: result.body };
}
