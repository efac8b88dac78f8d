import { DatabaseUnreachable } from './mysql.js';
import { PortInUse, localStackOptionsFromEnv, startLocalStack } from './local-stack.js';

/** `npm start`: the whole local stack in the foreground until Ctrl-C. */
const options = localStackOptionsFromEnv();
const verbose = process.env.VERBOSE === '1';
const startedAt = Date.now();
try {
  const stack = await startLocalStack({
    ...options,
    log: (line) => {
      if (verbose || !line.startsWith('[data-api]')) console.log(line);
    },
  });
  console.log(`identify is up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s
  POST ${stack.url}/identify            (HTTP API, as API Gateway)
  POST ${stack.invokeUrl}   (Lambda invoke)
  Data API server  ${stack.dataApi.url}   database ${stack.dbName} on ${stack.database}
Ctrl-C stops everything.`);
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
} catch (error) {
  if (error instanceof DatabaseUnreachable || error instanceof PortInUse) {
    console.error(error.message);
  } else {
    console.error(`Could not start the local stack: ${(error as Error).message}`);
  }
  process.exit(1);
}
