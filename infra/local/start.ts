import { BadSetting, type LocalStack, localStackOptionsFromEnv, PortInUse, startLocalStack } from './local-stack.js';
import { DatabaseUnreachable } from './mysql.js';
import { offlineOutputFilter, startupLines } from './output.js';
import { whenReparented } from './parent-watch.js';

/** `npm start`: the whole local stack in the foreground until Ctrl-C or SIGTERM. */
const verbose = process.env.VERBOSE === '1';
const startedAt = Date.now();
try {
  const options = localStackOptionsFromEnv();
  const show = offlineOutputFilter(verbose);
  const stack = await startLocalStack({
    ...options,
    handlerStdout: verbose,
    log: (line) => {
      if (show(line)) console.log(line);
    },
  });
  console.log(startupLines(stack, (Date.now() - startedAt) / 1000));
  stopOnSignals(stack);
} catch (error) {
  if (error instanceof DatabaseUnreachable || error instanceof PortInUse || error instanceof BadSetting) {
    console.error(error.message);
  } else {
    console.error(`Could not start the local stack: ${(error as Error).message}`);
  }
  process.exit(1);
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
  whenReparented(() => void shutdown());
}
