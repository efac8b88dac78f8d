import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Blocklist } from '../contacts/blocklist.js';
import type { IdentifyService } from '../service/identify-service.js';
import type { LookupService } from '../service/lookup-service.js';
import type { PrivacyService } from '../service/privacy-service.js';

/** What every route's handler needs, built once per container (outside the handler) and handed in. */
export interface EdgeDependencies {
  logger: Logger;
  metrics: Metrics;
  /** Values that identify nobody: treated as absent in requests, left out of answers. */
  blocklist: Blocklist;
  /** Above this many contacts in the group a request touches, one warning line is logged. */
  largeGroupWarningSize: number;
}

/** POST /identify's: the edge and the use case (an in-memory stand-in in the handler's fast tests). */
export interface Dependencies extends EdgeDependencies {
  service: Pick<IdentifyService, 'identify'>;
}

/** POST /lookup's. */
export interface LookupDependencies extends EdgeDependencies {
  lookup: Pick<LookupService, 'lookup'>;
}

/** POST /erase's, /unlink's, /block's and /unblock's. */
export interface PrivacyDependencies extends EdgeDependencies {
  privacy: Pick<PrivacyService, 'erase' | 'unlink' | 'block' | 'unblock'>;
}
