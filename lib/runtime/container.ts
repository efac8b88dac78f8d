import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { NOTHING_BLOCKED } from '../contacts/blocklist.js';
import type { Dependencies, LookupDependencies, PrivacyDependencies } from '../http/dependencies.js';
import { createMetrics } from '../http/middleware/request-metrics.js';
import { IdentifyService } from '../service/identify-service.js';
import { LookupService } from '../service/lookup-service.js';
import { PrivacyService } from '../service/privacy-service.js';
import { ContactRepository } from '../store/contact-repository.js';
import { DataApiExecutor } from '../store/data-api/executor.js';
import { PrivacyRepository } from '../store/privacy-repository.js';
import type { SqlExecutor } from '../store/sql-executor.js';
import { type Config, DEFAULT_LARGE_GROUP_WARNING_SIZE, DEFAULT_STAGE } from './config.js';
import { countDataApiCall, currentAbortSignal } from './request-scope.js';

// Outages: 12 attempts, then 503 + Retry-After. Nothing but lock contention: up to 40 (about 20 s of
// backoff at most), still bounded by the invocation's time left: only a hot spot that outlasts that answers 503.
export const RETRY = { maxAttempts: 12, maxConflictAttempts: 40, baseDelayMs: 20, maxDelayMs: 1_000 };

/**
 * The Data API client for Lambda: keep-alive connections (a TLS handshake per call would double
 * the latency), bounded connect and request times, and no retries of its own: every retry goes
 * through lib/runtime/retry.ts, which knows which calls are safe to repeat and how much time is left.
 */
function createDataApiClient(config: Pick<Config, 'requestTimeoutMs'>): RDSDataClient {
  return new RDSDataClient({
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: 2_000,
      requestTimeout: config.requestTimeoutMs,
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
    },
  });
}

export function createDependencies(
  config: Config,
  options: { client?: RDSDataClient; executor?: SqlExecutor; logger?: Logger; metrics?: Metrics } = {},
): Dependencies & LookupDependencies & PrivacyDependencies {
  const executor =
    options.executor ??
    new DataApiExecutor(options.client ?? createDataApiClient(config), config, { onCall: countDataApiCall, abortSignal: currentAbortSignal });
  const repository = new ContactRepository(executor);
  return {
    service: new IdentifyService({ repository, retry: RETRY }),
    lookup: new LookupService({ repository, retry: RETRY }),
    privacy: new PrivacyService({ repository: new PrivacyRepository(executor), retry: RETRY }),
    logger: options.logger ?? new Logger({ serviceName: 'identify' }),
    metrics: options.metrics ?? createMetrics(config.stage ?? DEFAULT_STAGE),
    blocklist: config.blocklist ?? NOTHING_BLOCKED,
    largeGroupWarningSize: config.largeGroupWarningSize ?? DEFAULT_LARGE_GROUP_WARNING_SIZE,
  };
}
