import { DatabaseUnreachable } from './mysql.js';
import { BadSetting, PortInUse, localStackOptionsFromEnv, startLocalStack, type LocalStack, type LocalStackOptions } from './local-stack.js';
import { offlineOutputFilter } from './output.js';

/** `npm start`: the whole local stack in the foreground until Ctrl-C or SIGTERM. */
const verbose = process.env.VERBOSE === '1';
// Lambda runs Node 22; the SDK's notice about Node 20 is noise in the local stack's own clients.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const startedAt = Date.now();
try {
  const options = localStackOptionsFromEnv();
  const show = offlineOutputFilter(verbose);
  const stack = await startLocalStack({
    ...options,
    log: (line) => {
      if (show(line)) console.log(line);
    },
  });
  console.log(startupLines(stack, options, (Date.now() - startedAt) / 1000));
  stopOnSignals(stack);
} catch (error) {
  if (error instanceof DatabaseUnreachable || error instanceof PortInUse || error instanceof BadSetting) {
    console.error(error.message);
  } else {
    console.error(`Could not start the local stack: ${(error as Error).message}`);
  }
  process.exit(1);
}

function startupLines(stack: LocalStack, options: LocalStackOptions, seconds: number): string {
  const { accessKeyId, secretAccessKey } = stack.principal.credentials;
  const auth = stack.auth
    ? `  auth: SigV4 for execute-api in us-east-1 with the local credentials ${accessKeyId} / ${secretAccessKey} (AUTH=none turns it off)
  curl --aws-sigv4 "aws:amz:us-east-1:execute-api" --user ${accessKeyId}:${secretAccessKey} -H 'content-type: application/json' -d '{"email":"doc@hillvalley.edu"}' ${stack.url}/identify`
    : `  auth: OFF (AUTH=none): unsigned requests are let through, unlike on AWS
  curl -H 'content-type: application/json' -d '{"email":"doc@hillvalley.edu"}' ${stack.url}/identify`;
  return `identify is up in ${seconds.toFixed(1)} s
  POST ${stack.url}/identify            (HTTP API, as API Gateway)
  POST ${stack.invokeUrl}   (Lambda invoke)
  Data API server  ${stack.dataApi.url}   database ${stack.dbName} on ${options.mysqlUrl}
${auth}
Ctrl-C (or SIGTERM) stops everything.`;
}

function stopOnSignals(stack: LocalStack): void {
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping…');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('SIGHUP', shutdown);
}
