/**
 * A "Lambda" that dies mid-merge: it runs a merge through the real service and Data API client and
 * is killed (SIGKILL) right after the relinking UPDATE, before the commit.
 * argv: endpoint, database, email, phone.
 */
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { LOCAL_DEFAULTS } from 'local-data-api';
import { RETRY } from '../../lib/runtime/container.js';
import { IdentifyService } from '../../lib/service/identify-service.js';
import { ContactRepository } from '../../lib/store/contact-repository.js';
import { DataApiExecutor } from '../../lib/store/data-api/executor.js';
import type { SqlExecutor, SqlParams } from '../../lib/store/sql-executor.js';

const [endpoint, database, email, phone] = process.argv.slice(2) as [string, string, string, string];
const client = new RDSDataClient({ endpoint, region: LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials });
const real = new DataApiExecutor(client, { resourceArn: LOCAL_DEFAULTS.resourceArn, secretArn: LOCAL_DEFAULTS.secretArn, database });

function dyingAfterUpdate(inner: SqlExecutor): SqlExecutor {
  return {
    async run(sql: string, params?: SqlParams) {
      const result = await inner.run(sql, params);
      if (/^\s*UPDATE Contact/.test(sql)) {
        process.send?.({ updated: result.affectedRows });
        process.kill(process.pid, 'SIGKILL');
        await new Promise(() => {});
      }
      return result;
    },
    transaction: (work) => inner.transaction((tx) => work(dyingAfterUpdate(tx))),
  };
}

const service = new IdentifyService({ repository: new ContactRepository(dyingAfterUpdate(real)), retry: RETRY });
await service.identify({ email, phoneNumber: phone }, { timeLeftMs: () => 20_000 });
process.send?.({ finished: true });
