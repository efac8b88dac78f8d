import { LOCAL_DEFAULTS } from 'local-data-api';
import type { LocalPrincipal } from './auth.js';

/** The local IAM user whose SigV4 signatures the gateway accepts: the local credentials (local/local). */
export const LOCAL_PRINCIPAL: LocalPrincipal = {
  credentials: LOCAL_DEFAULTS.credentials,
  region: LOCAL_DEFAULTS.region,
  accountId: '000000000000',
  userName: 'local',
  userId: 'AIDALOCALUSER00000000',
};
