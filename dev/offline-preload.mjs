// Loaded into serverless-offline's process (dev/offline.ts). It runs the handler in-process, so
// concurrent invocations share middy's module-level AbortController (@middy/core keeps one "because
// it's slow", right for Lambda's one invocation at a time), and every in-flight Data API call listens
// on its signal. Past ten concurrent calls Node warns of a leak that is none: raise the threshold for
// this process only.
import { setMaxListeners } from 'node:events';

setMaxListeners(1000);
