// Loads the bundled handler in a fresh Node process and answers one request; prints timings as JSON.
// Plain JavaScript on purpose: nothing but Node itself stands between the clock and the bundle.
const started = performance.now();
const { handler } = await import(process.argv[2]);
const loaded = performance.now();
const deadline = Date.now() + 29_000;
const response = await handler(
  {
    version: '2.0',
    routeKey: 'POST /identify',
    rawPath: '/identify',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: { http: { method: 'POST', path: '/identify' }, requestId: 'cold-start' },
    body: JSON.stringify({ email: process.argv[3] }),
    isBase64Encoded: false,
  },
  { awsRequestId: 'cold-start', functionName: 'identify', getRemainingTimeInMillis: () => deadline - Date.now() },
);
const answered = performance.now();
console.log(JSON.stringify({ loadMs: loaded - started, firstAnswerMs: answered - started, status: response.statusCode }));
// The Data API client keeps its connection alive for the next request, as it should on Lambda.
process.exit(0);
