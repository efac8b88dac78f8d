import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { LOCAL_DEFAULTS } from 'local-data-api';
import type { Pool } from 'mysql2/promise';
import type { LocalStack } from '../infra/local/local-stack.js';
import { createDependencies } from '../lib/runtime/container.js';
import { apiEvent, type Handler, lambdaContext } from '../test/support/lambda-events.js';
import { seededEmail, seedGroup } from '../test/support/large-group-seeder.js';

/**
 * `npm run bench`, section "large groups": one request each, through the handlers in-process and
 * the local Data API server (which refuses responses over 1 MiB, as AWS does), on groups seeded
 * straight into the table: a read of a 20,000 and of a 100,000 contact group, a merge of two groups
 * of 10,000, a /lookup of the 100,000 group, and /erase of a group of 100,000 (without and with
 * "suppress", each its own group). Per request: wall time, Data API calls, bytes the Data API
 * returned, and the bytes of the Lambda result. Targets on the reference machine: 1 s, 4 s, 3 s, 4 s
 * and 5 s; and an unlink (with block) of a junk phone holding 100,000 contacts together: 10 s.
 */
export interface LargeGroupRun {
  name: string;
  contacts: number;
  status: number;
  ms: number;
  targetMs: number;
  dataApiCalls: number;
  dataApiBytes: number;
  answerBytes: number;
}

/** What the checks of the answers read: a /lookup's groups, an /erase's count. */
interface Answer {
  contacts?: { secondaryContactIds: number[] }[];
  erased?: { contacts: number };
  unlinked?: { contacts: number };
}

export async function measureLargeGroups(stack: LocalStack, pool: Pool, database: string): Promise<LargeGroupRun[]> {
  let dataApiBytes = 0;
  const client = new RDSDataClient({ endpoint: stack.dataApi.url, region: LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials, maxAttempts: 1 });
  client.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      dataApiBytes += Number((out.response as { headers?: Record<string, string> }).headers?.['content-length'] ?? 0);
      return out;
    },
    { step: 'deserialize', name: 'countResponseBytes' },
  );
  const config = { resourceArn: LOCAL_DEFAULTS.resourceArn, secretArn: LOCAL_DEFAULTS.secretArn, database, requestTimeoutMs: 28_000 };
  const deps = createDependencies(config, { client, logger: new Logger({ logLevel: 'SILENT' }), metrics: new Metrics({ namespace: 'Bench' }) });
  const handlers: Record<'identify' | 'lookup' | 'erase' | 'unlink', Handler> = {
    identify: (await import('../functions/identify.js')).buildHandler(deps) as Handler,
    lookup: (await import('../functions/lookup.js')).buildHandler(deps) as Handler,
    erase: (await import('../functions/erase.js')).buildHandler(deps) as Handler,
    unlink: (await import('../functions/unlink.js')).buildHandler(deps) as Handler,
  };

  const stamp = Date.now().toString(36).slice(-6);
  const group20k = { tag: `r20k${stamp}`, size: 20_000, createdAt: '2022-01-01 00:00:00' };
  const group100k = { tag: `r100k${stamp}`, size: 100_000, createdAt: '2022-02-01 00:00:00' };
  const older = { tag: `ma${stamp}`, size: 10_000, createdAt: '2022-03-01 00:00:00' };
  const newer = { tag: `mb${stamp}`, size: 10_000, phone: `9${Date.now() % 1e9}`, createdAt: '2022-04-01 00:00:00' };
  const erased = { tag: `e100k${stamp}`, size: 100_000, phone: `8${Date.now() % 1e9}`, createdAt: '2022-05-01 00:00:00' };
  const suppressed = { tag: `s100k${stamp}`, size: 100_000, phone: `7${Date.now() % 1e9}`, createdAt: '2022-06-01 00:00:00' };
  for (const group of [group20k, group100k, older, newer, erased, suppressed]) await seedGroup(pool, group);
  // A junk phone on every one of 100,000 contacts that it alone holds together.
  const junk = { tag: `ju${stamp}`, size: 100_000, phone: `6${Date.now() % 1e9}`, createdAt: '2022-07-01 00:00:00' };
  const junkGroup = await seedGroup(pool, junk);
  await pool.query('UPDATE Contact SET phoneNumber = ? WHERE linkedId = ?', [junk.phone, junkGroup.primaryId]);

  /** One request, timed; `expect` says what its answer must be (the benchmark stops on a wrong one). */
  const run = async (
    name: string,
    contacts: number,
    targetMs: number,
    body: object,
    route: keyof typeof handlers = 'identify',
    expect: (answer: Answer) => boolean = () => true,
  ): Promise<LargeGroupRun> => {
    stack.dataApi.resetStats();
    dataApiBytes = 0;
    const started = performance.now();
    const result = (await handlers[route](apiEvent(JSON.stringify(body), undefined, undefined, `/${route}`), lambdaContext())) as {
      statusCode: number;
      body: string;
    };
    const ms = Math.round(performance.now() - started);
    if (result.statusCode === 200 && !expect(JSON.parse(result.body))) throw new Error(`${name}: unexpected answer ${result.body.slice(0, 200)}`);
    const calls = Object.values(stack.dataApi.stats().calls).reduce((sum, n) => sum + n, 0);
    return {
      name,
      contacts,
      status: result.statusCode,
      ms,
      targetMs,
      dataApiCalls: calls,
      dataApiBytes,
      answerBytes: Buffer.byteLength(JSON.stringify(result)),
    };
  };
  try {
    return [
      await run('read, 20,000 contacts', 20_000, 1_000, { email: seededEmail(group20k, 777) }),
      await run('read, 100,000 contacts', 100_000, 4_000, { email: seededEmail(group100k, 777) }),
      await run('merge, 10,000 + 10,000 contacts', 20_000, 3_000, { email: seededEmail(older, 5), phoneNumber: newer.phone }),
      await run(
        'lookup, 100,000 contacts',
        100_000,
        4_000,
        { email: seededEmail(group100k, 777) },
        'lookup',
        (answer) => answer.contacts?.length === 1 && answer.contacts[0]!.secondaryContactIds.length === 99_999,
      ),
      await run('erase, 100,000 contacts', 100_000, 5_000, { phoneNumber: erased.phone }, 'erase', (answer) => answer.erased?.contacts === 100_000),
      await run(
        'erase with suppress, 100,000 contacts',
        100_000,
        5_000,
        { phoneNumber: suppressed.phone, suppress: true },
        'erase',
        (answer) => answer.erased?.contacts === 100_000,
      ),
      await run(
        'unlink a value that holds 100,000 contacts',
        100_000,
        10_000,
        { phoneNumber: junk.phone, block: true },
        'unlink',
        (answer) => answer.unlinked?.contacts === 100_000,
      ),
    ];
  } finally {
    client.destroy();
  }
}

export function printLargeGroups(runs: LargeGroupRun[]): void {
  console.log('\n| large group request | status | ms | target ms | Data API calls | Data API bytes | Lambda result bytes |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of runs) console.log(`| ${r.name} | ${r.status} | ${r.ms} | ≤ ${r.targetMs} | ${r.dataApiCalls} | ${r.dataApiBytes} | ${r.answerBytes} |`);
}
