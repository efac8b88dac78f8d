import { Logger } from '@aws-lambda-powertools/logger';
import fc from 'fast-check';
import { LOCAL_DEFAULTS } from 'local-data-api';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandler as buildBlock } from '../functions/block.js';
import { buildHandler as buildErase } from '../functions/erase.js';
import { buildHandler } from '../functions/identify.js';
import { buildHandler as buildLookup } from '../functions/lookup.js';
import { buildHandler as buildUnblock } from '../functions/unblock.js';
import { buildHandler as buildUnlink } from '../functions/unlink.js';
import { dropDatabase, ensureDatabase } from '../infra/local/mysql.js';
import { createDependencies } from '../lib/runtime/container.js';
import { DataApiExecutor } from '../lib/store/data-api/executor.js';
import { runMigrations } from '../lib/store/migrations/index.js';
import { dataApiClient, postIdentify, stack } from './support/helpers.js';
import { apiEvent, type Handler, lambdaContext } from './support/lambda-events.js';

// Property-based fuzzing of request bodies and headers: never a 5xx, every refusal a JSON message,
// and never a write for a refused request (the fuzz has a database of its own to count rows in).
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const database = `identify_fuzz_${process.pid}`;
let handler: Handler;
let pool: mysql.Pool;

beforeAll(async () => {
  await ensureDatabase(stack().mysqlUrl, database);
  const client = dataApiClient();
  const target = { resourceArn: LOCAL_DEFAULTS.resourceArn, secretArn: LOCAL_DEFAULTS.secretArn, database };
  await runMigrations(new DataApiExecutor(client, target));
  handler = buildHandler(createDependencies({ ...target, requestTimeoutMs: 10_000 }, { client, logger: new Logger({ logLevel: 'SILENT' }) })) as Handler;
  pool = mysql.createPool({ uri: stack().mysqlUrl, database, connectionLimit: 2 });
});

afterAll(async () => {
  await pool?.end();
  await dropDatabase(stack().mysqlUrl, database);
});

/** Every row the service can write, in every table: a refused request changes none of them. */
async function rowCount(): Promise<number> {
  const [rows] = await pool.query(
    'SELECT (SELECT COUNT(*) FROM Contact) + (SELECT COUNT(*) FROM BlockedValue) + (SELECT COUNT(*) FROM AuditRecord) + (SELECT COUNT(*) FROM Contact WHERE deletedAt IS NOT NULL) AS n',
  );
  return Number((rows as { n: number }[])[0]!.n);
}

const emailish = fc.oneof(
  { weight: 4, arbitrary: fc.emailAddress() },
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.constantFrom('', ' ', '@', 'a@', '@b', 'a@b@c', 'a b@c.d', 'A@B.C', 'a\u0000@b.c', 'a\ud800@b.c', `${'x'.repeat(255)}@b.c`),
);
const phoneish = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[0-9]{1,12}$/) },
  fc.string(),
  fc.stringMatching(/^\+?[0-9 ().-]{0,25}$/),
  fc.integer(),
  fc.double(),
  fc.bigInt().map(String),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, -0, 1e21, '+', '++1', '1'.repeat(21)),
);
const anyValue = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string(), fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 2 }));
const fieldValue = (specific: fc.Arbitrary<unknown>) => fc.oneof({ weight: 4, arbitrary: specific }, { weight: 1, arbitrary: anyValue });

const bodyObject = fc
  .record(
    {
      email: fieldValue(emailish),
      phoneNumber: fieldValue(phoneish),
      suppress: fieldValue(fc.boolean()),
      extra: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'email ')), anyValue, { maxKeys: 2 }),
    },
    { requiredKeys: [] },
  )
  .map(({ extra, ...fields }) => JSON.stringify({ ...(extra ?? {}), ...fields }));

const body = fc.oneof(
  { weight: 10, arbitrary: bodyObject },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.nat(6_000).map((n) => '['.repeat(n) + ']'.repeat(n)) },
  { weight: 1, arbitrary: fc.nat(3_000).map((n) => `${'{"email":'.repeat(n)}null${'}'.repeat(n)}`) },
  { weight: 1, arbitrary: fc.nat(20_000).map((n) => JSON.stringify({ email: `${'a'.repeat(n)}@b.c` })) },
  { weight: 1, arbitrary: fc.tuple(fc.emailAddress(), fc.emailAddress()).map(([a, b]) => `{"email":"${a}","email":"${b}"}`) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'text/plain',
    'application/x-www-form-urlencoded',
    '',
    'application/json; charset=latin1',
  ),
  fc.string(),
);
const headers = fc.record({ 'content-type': contentType, 'x-extra': fc.string() }, { requiredKeys: ['content-type'] });

// A valid body now and then, so that every route reaches the database too, not only its validation.
const validBody = fc
  .record({ email: fc.stringMatching(/^[a-z]{1,10}@[a-z]{1,8}\.io$/), phoneNumber: fc.stringMatching(/^[0-9]{4,12}$/) }, { requiredKeys: ['email'] })
  .map((fields) => JSON.stringify(fields));
// And one value alone, as /unlink takes it (a valid body with both is its 400).
const validSingle = fc.stringMatching(/^[0-9]{4,12}$/).map((phoneNumber) => JSON.stringify({ phoneNumber }));
const withValidOnes = fc.oneof({ weight: 1, arbitrary: validBody }, { weight: 1, arbitrary: validSingle }, { weight: 2, arbitrary: body });

describe('fuzzing the other routes (lookup, erase, unlink, block, unblock)', () => {
  it('never answer 5xx, always explain a refusal in JSON, never write for a refused request', async () => {
    const client = dataApiClient();
    const target = { resourceArn: LOCAL_DEFAULTS.resourceArn, secretArn: LOCAL_DEFAULTS.secretArn, database };
    const deps = createDependencies({ ...target, requestTimeoutMs: 10_000 }, { client, logger: new Logger({ logLevel: 'SILENT' }) });
    const routes = {
      '/lookup': buildLookup(deps) as Handler,
      '/erase': buildErase(deps) as Handler,
      '/unlink': buildUnlink(deps) as Handler,
      '/block': buildBlock(deps) as Handler,
      '/unblock': buildUnblock(deps) as Handler,
    };
    const statuses: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...(Object.keys(routes) as (keyof typeof routes)[])), withValidOnes, headers, async (path, text, headerValues) => {
        const before = await rowCount();
        const result = (await routes[path](apiEvent(text, headerValues as Record<string, string>, 'fuzz', path), lambdaContext())) as {
          statusCode: number;
          body: string;
          headers: Record<string, string>;
        };
        statuses[`${path} ${result.statusCode}`] = (statuses[`${path} ${result.statusCode}`] ?? 0) + 1;
        expect(result.statusCode).toBeLessThan(500);
        if (result.statusCode >= 400) {
          expect(Object.keys(JSON.parse(result.body))).toEqual(['message']);
          expect(await rowCount()).toBe(before);
        } else {
          expect(result.statusCode).toBe(200);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    console.log(`fuzz (other routes): ${RUNS} cases, seed ${SEED}, statuses ${JSON.stringify(statuses)}`);
    for (const path of Object.keys(routes)) expect(statuses[`${path} 200`], path).toBeGreaterThan(0);
  });
});

describe('fuzzing the handler', () => {
  it('never answers 5xx, always explains a refusal in JSON, never writes for a refused request', async () => {
    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(body, headers, fc.boolean(), async (text, headerValues, base64) => {
        const event = apiEvent(base64 && text !== undefined ? Buffer.from(text).toString('base64') : text, headerValues as Record<string, string>);
        event.isBase64Encoded = base64 && text !== undefined;
        const before = await rowCount();
        const result = (await handler(event, lambdaContext())) as { statusCode: number; body: string; headers: Record<string, string> };
        statuses[result.statusCode] = (statuses[result.statusCode] ?? 0) + 1;
        expect(result.statusCode).toBeLessThan(500);
        if (result.statusCode >= 400) {
          expect(result.headers['Content-Type']).toBe('application/json');
          const parsed = JSON.parse(result.body);
          expect(Object.keys(parsed)).toEqual(['message']);
          expect(typeof parsed.message).toBe('string');
          expect(await rowCount()).toBe(before);
        } else {
          expect(result.statusCode).toBe(200);
          expect(JSON.parse(result.body).contact.primaryContactId).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    console.log(`fuzz: ${RUNS} cases, seed ${SEED}, statuses ${JSON.stringify(statuses)} (replay: FUZZ_SEED=${SEED} npx vitest run test/fuzz)`);
    expect(statuses[200]).toBeGreaterThan(0); // the fuzz reaches the database, not only the validation
  });

  it('over HTTP through serverless-offline too: never a 5xx, always JSON with a message for a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, contentType, async (text, type) => {
        const answer = await postIdentify(text ?? '', type ? { 'content-type': type } : {});
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) expect(typeof answer.json?.message).toBe('string');
      }),
      { numRuns: Math.ceil(RUNS / 4), seed: SEED },
    );
  });
});
