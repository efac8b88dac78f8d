import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Blocklist } from '../contacts/blocklist.js';
import type { IdentifyService } from '../service/identify-service.js';

/** What the handler needs, built once per container (outside the handler) and handed in. */
export interface Dependencies {
  /** The use case (an in-memory stand-in in the handler's fast tests). */
  service: Pick<IdentifyService, 'identify'>;
  logger: Logger;
  metrics: Metrics;
  /** Values that identify nobody: treated as absent in requests, left out of answers. */
  blocklist: Blocklist;
  /** Above this many contacts in the group a request touches, one warning line is logged. */
  largeGroupWarningSize: number;
}
