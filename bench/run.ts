import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { build } from 'esbuild';
import { LOCAL_DEFAULTS } from 'local-data-api';
import mysql from 'mysql2/promise';
import { parse } from 'yaml';
import { type LocalStack, localStackOptionsFromEnv, startLocalStack } from '../infra/local/local-stack.js';
import { DatabaseUnreachable } from '../infra/local/mysql.js';
import { PROJECT_ROOT } from '../infra/local/project-root.js';
import { createDependencies } from '../lib/runtime/container.js';
import type { SqlExecutor } from '../lib/store/sql-executor.js';
import { apiEvent, type Handler, lambdaContext } from '../test/support/lambda-events.js';
import { MysqlExecutor } from '../test/support/mysql-executor.js';
import { type BenchRequest, KINDS, type Kind, seedCustomers, Workload } from '../test/support/shop-workload.js';
import { gatewaySigner } from '../test/support/sign.js';
import { renderChart } from './chart.js';
import { measureLargeGroups, printLargeGroups } from './large-groups.js';

/**
 * `npm run bench`: the same seeded workload through three paths, side by side in one run:
 *   (a) HTTP (SigV4-signed) through the local gateway, serverless-offline, the handler and the local Data API server;
 *   (b) the handler called in-process, with the local Data API server;
 *   (c) the same handler and reconciliation code on a direct mysql2 adapter (the floor).
 * Then Data API calls and SQL statements per kind of request (counted by the local server), the
 * cold start of the bundled function, and large groups (bench/large-groups.ts). Prints a table; writes
 * JSON and an SVG chart to bench/.results/ (untracked); --save also writes them to bench/results/
 * (tracked), for the record. --sections runs only some parts; --help lists the options.
 *
 * MYSQL_URL and DB_NAME are honoured as by npm start, but DB_NAME defaults to identify_bench: the
 * benchmark empties and seeds its database, so it never touches the local data by default.
 */
const SECTION_NAMES = ['throughput', 'calls', 'cold-start', 'large-groups'] as const;
type Section = (typeof SECTION_NAMES)[number];
const USAGE = `npm run bench -- [options]

  --sections LIST     which parts to run, of ${SECTION_NAMES.join(',')} (default: all)
                      throughput: the three paths at each concurrency; calls: Data API calls and SQL
                      statements per kind of request; cold-start: the bundled function in fresh
                      processes; large-groups: groups of 20,000 and 100,000 (read, merge, lookup, erase)
  --paths LIST        a,b,c (default a,b,c): (a) HTTP, (b) in-process handler + Data API, (c) direct mysql2
  --concurrency LIST  default 1,8,32
  --duration S        seconds per cell after the warm-up (default 5)
  --warmup S          default 1
  --seed N            the workload's seed (default 42)
  --customers N       customers seeded before each cell (default 5000)
  --out DIR           where latest.json, latest.svg and a dated copy go (default bench/.results)
  --save              also write latest.json and latest.svg to bench/results (tracked)
  --help              this text

MYSQL_URL and DB_NAME (default identify_bench, emptied and seeded) as for npm start.`;
const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '1,8,32' },
    paths: { type: 'string', default: 'a,b,c' },
    seed: { type: 'string', default: '42' },
    customers: { type: 'string', default: '5000' },
    out: { type: 'string', default: join(PROJECT_ROOT, 'bench/.results') },
    save: { type: 'boolean', default: false },
    sections: { type: 'string', default: SECTION_NAMES.join(',') },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const SECTIONS = new Set(flags.sections.split(',').filter(Boolean) as Section[]);
for (const section of SECTIONS) {
  if (!SECTION_NAMES.includes(section)) {
    console.error(`unknown section ${JSON.stringify(section)}: use ${SECTION_NAMES.join(', ')}\n\n${USAGE}`);
    process.exit(2);
  }
}
const SAVED_RESULTS = join(PROJECT_ROOT, 'bench/results');
const DURATION_MS = Number(flags.duration) * 1000;
const WARMUP_MS = Number(flags.warmup) * 1000;
const LEVELS = flags.concurrency.split(',').map(Number);
const PATHS = flags.paths.split(',') as PathName[];
const SEED = Number(flags.seed);
const CUSTOMERS = Number(flags.customers);
const DB_NAME = process.env.DB_NAME || 'identify_bench';
const { mysqlUrl: MYSQL_URL, dataApi: DATA_API_OPTIONS } = localStackOptionsFromEnv();

type PathName = 'a' | 'b' | 'c';
const PATH_LABEL: Record<PathName, string> = {
  a: '(a) HTTP, serverless-offline, Data API',
  b: '(b) in-process handler, Data API',
  c: '(c) in-process handler, direct mysql2',
};

interface Percentiles {
  requests: number;
  p50: number;
  p95: number;
  p99: number;
}

interface CellResult extends Percentiles {
  path: PathName;
  concurrency: number;
  errors: number;
  rps: number;
  /** The same latencies split by the kind of request the workload meant to send (a tail is usually one kind's). */
  byKind: Record<string, Percentiles>;
}

const progress = (text: string) => process.stderr.write(`\r\x1b[2K${text}`);

// functions/identify.ts builds its Lambda container when imported (as on a cold start); the bench
// builds its own handlers with buildHandler, so the environment only has to be complete, not used.
process.env.DB_CLUSTER_ARN ??= LOCAL_DEFAULTS.resourceArn;
process.env.DB_SECRET_ARN ??= LOCAL_DEFAULTS.secretArn;
process.env.DB_NAME = DB_NAME;
process.env.AWS_REGION ??= LOCAL_DEFAULTS.region;
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
const { buildHandler } = await import('../functions/identify.js');

/**
 * A fixed piece of CPU work, timed: on a shared VM the host's speed drifts by half or more from one
 * minute to the next, so the report says how fast the machine was just before and after the cells.
 */
function cpuCheckMs(): number {
  const started = performance.now();
  for (let i = 0; i < 200_000; i++) createHash('sha256').update(`x${i}`).digest('hex');
  return round(performance.now() - started);
}

async function main() {
  const cpuBefore = cpuCheckMs();
  const stack = await startLocalStack({
    port: 0,
    lambdaPort: 0,
    dataApiPort: 0,
    mysqlUrl: MYSQL_URL,
    dbName: DB_NAME,
    offline: SECTIONS.has('throughput') && PATHS.includes('a'),
    dataApi: DATA_API_OPTIONS,
  });
  console.log(`benchmark database ${DB_NAME} (emptied and seeded for each cell) on ${stack.database}`);
  const pool = mysql.createPool({ uri: stack.mysqlUrl, database: DB_NAME, connectionLimit: 4 });
  const direct = MysqlExecutor.create(stack.mysqlUrl, DB_NAME);
  try {
    const senders = makeSenders(stack, direct);
    const cells: CellResult[] = [];
    if (SECTIONS.has('throughput')) {
      for (const concurrency of LEVELS) {
        for (const path of PATHS) {
          await resetDatabase(pool);
          cells.push(await runCell(path, concurrency, senders[path]));
        }
      }
    }
    const cpuAfter = cpuCheckMs();
    const section = <T>(name: Section, label: string, work: () => Promise<T>): Promise<T | undefined> => {
      if (!SECTIONS.has(name)) return Promise.resolve(undefined);
      progress(label);
      return work();
    };
    const perKind = await section('calls', 'counting calls per kind of request…', () => countPerKind(pool, stack, senders, direct));
    const coldStart = await section('cold-start', 'measuring the cold start…', () => measureColdStart(stack));
    // Run alone, on the table as the other sections leave it: the seeded customers.
    if (SECTIONS.has('large-groups') && cells.length === 0 && !perKind) await resetDatabase(pool);
    const largeGroups = await section('large-groups', 'large groups…', () => measureLargeGroups(stack, pool, DB_NAME));
    progress('');
    const report = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        cpuCheckMs: { beforeCells: cpuBefore, afterCells: cpuAfter },
      },
      settings: {
        durationS: DURATION_MS / 1000,
        warmupS: WARMUP_MS / 1000,
        seed: SEED,
        customers: CUSTOMERS,
        mix: '60% repeat / 20% new customer / 15% new detail / 5% merge',
      },
      throughput: cells,
      perKind,
      coldStart,
      largeGroups,
    };
    printReport(report);
    if (largeGroups) printLargeGroups(largeGroups);
    writeResults(report, cells);
  } finally {
    clientAgent.destroy();
    await direct.close();
    await pool.end();
    await stack.stop();
  }
}

/** Always into the untracked folder; into the tracked bench/results/ only when asked (--save). */
function writeResults(report: { date: string }, cells: CellResult[]) {
  const stamp = report.date.replace(/[:.]/g, '-');
  const folders = flags.save ? [flags.out, SAVED_RESULTS] : [flags.out];
  for (const folder of folders) {
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'latest.json'), JSON.stringify(report, null, 2));
    if (cells.length > 0) writeFileSync(join(folder, 'latest.svg'), renderChart(cells, PATH_LABEL));
  }
  writeFileSync(join(flags.out, `${stamp}.json`), JSON.stringify(report, null, 2));
  const chart = cells.length > 0 ? ', with latest.svg beside' : '';
  console.log(`\nwrote ${folders.map((folder) => join(folder, 'latest.json')).join(' and ')}${chart} (and ${stamp}.json)`);
}

type Sender = (request: BenchRequest) => Promise<number>;

function makeSenders(stack: LocalStack, direct: SqlExecutor): Record<PathName, Sender> {
  const config = { resourceArn: LOCAL_DEFAULTS.resourceArn, secretArn: LOCAL_DEFAULTS.secretArn, database: DB_NAME, requestTimeoutMs: 20_000 };
  const quiet = { logger: new Logger({ logLevel: 'SILENT' }), metrics: new Metrics({ namespace: 'Bench' }) };
  const client = new RDSDataClient({ endpoint: stack.dataApi.url, region: LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials, maxAttempts: 1 });
  const inProcess = buildHandler(createDependencies(config, { client, ...quiet })) as Handler;
  const onMysql = buildHandler(createDependencies(config, { executor: direct, ...quiet })) as Handler;
  const viaHandler =
    (handler: Handler): Sender =>
    async (request) =>
      ((await handler(apiEvent(JSON.stringify(request.body)), lambdaContext())) as { statusCode: number }).statusCode;
  // Signed as a caller on AWS signs it: the local gateway checks SigV4 by default.
  const sign = gatewaySigner(stack.principal.credentials);
  const url = `${stack.url}/identify`;
  return {
    a: async (request) => {
      const body = JSON.stringify(request.body);
      const { host: _host, ...headers } = await sign(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      return postStatus(url, headers, body);
    },
    b: viaHandler(inProcess),
    c: viaHandler(onMysql),
  };
}

/**
 * The benchmark's HTTP client: node:http over kept-alive connections. It shares this process with
 * the gateway stand-in and the Data API server, so its own cost counts against theirs: fetch (undici)
 * cost about 0.4 ms more CPU per request here (docs/LOCAL-GATEWAY.md).
 */
const clientAgent = new Agent({ keepAlive: true });
function postStatus(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolvePost, reject) => {
    const call = httpRequest(url, { method: 'POST', agent: clientAgent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (response) => {
      response.on('error', reject);
      response.on('end', () => resolvePost(response.statusCode ?? 0));
      response.resume();
    });
    call.on('error', reject);
    call.end(body);
  });
}

async function resetDatabase(pool: mysql.Pool): Promise<void> {
  for (const table of ['Contact', 'BlockedValue', 'AuditRecord']) await pool.query(`TRUNCATE TABLE ${table}`);
  const customers = seedCustomers(CUSTOMERS);
  for (let i = 0; i < customers.length; i += 1000) {
    const chunk = customers.slice(i, i + 1000).map((c) => [c.email, c.phone, 'primary']);
    await pool.query('INSERT INTO Contact (email, phoneNumber, linkPrecedence) VALUES ?', [chunk]);
  }
}

async function runCell(path: PathName, concurrency: number, send: Sender): Promise<CellResult> {
  const workload = new Workload(SEED, `${path}${concurrency}`, seedCustomers(CUSTOMERS));
  const latencies: number[] = [];
  const byKind = new Map<Kind, number[]>(KINDS.map((kind) => [kind, []]));
  let errors = 0;
  const warmupEnds = Date.now() + WARMUP_MS;
  const ends = warmupEnds + DURATION_MS;
  const ticker = setInterval(() => {
    const left = Math.max(0, (ends - Date.now()) / 1000).toFixed(0);
    progress(`${PATH_LABEL[path]} at concurrency ${concurrency}: ${latencies.length} requests, ${left} s left`);
  }, 250);
  const lane = async () => {
    while (Date.now() < ends) {
      const request = workload.next();
      const started = performance.now();
      const status = await send(request).catch(() => 0);
      const elapsed = performance.now() - started;
      if (Date.now() < warmupEnds) continue;
      latencies.push(elapsed);
      byKind.get(request.kind)?.push(elapsed);
      if (status !== 200) errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  clearInterval(ticker);
  return {
    path,
    concurrency,
    ...percentiles(latencies),
    errors,
    rps: round(latencies.length / (DURATION_MS / 1000)),
    byKind: Object.fromEntries([...byKind].map(([kind, values]) => [kind, percentiles(values)])),
  };
}

function percentiles(latencies: number[]): Percentiles {
  const sorted = [...latencies].sort((x, y) => x - y);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { requests: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** Data API calls and SQL statements per request of each kind, counted where they happen. */
async function countPerKind(pool: mysql.Pool, stack: LocalStack, senders: Record<PathName, Sender>, direct: MysqlExecutor) {
  const PER_KIND = 40;
  const rows: Record<string, { dataApiCalls: number; callsByOperation: Record<string, number>; statementsViaDataApi: number; statementsDirect: number }> = {};
  for (const kind of KINDS) {
    await resetDatabase(pool);
    const workload = new Workload(SEED + 1, `k${kind}`, seedCustomers(CUSTOMERS));
    const requests = Array.from({ length: PER_KIND }, () => workload.next(kind as Kind));
    stack.dataApi.resetStats();
    for (const request of requests) await senders.b(request);
    const stats = stack.dataApi.stats();
    await resetDatabase(pool);
    const before = direct.statementCount;
    for (const request of requests) await senders.c(request);
    const calls = Object.values(stats.calls).reduce((sum, n) => sum + n, 0);
    rows[kind] = {
      dataApiCalls: round(calls / PER_KIND),
      callsByOperation: Object.fromEntries(Object.entries(stats.calls).map(([op, n]) => [op, round(n / PER_KIND)])),
      statementsViaDataApi: round(stats.statements / PER_KIND),
      statementsDirect: round((direct.statementCount - before) / PER_KIND),
    };
  }
  return rows;
}

/** Bundles the function as serverless.yml does, then loads it and answers one request in fresh processes. */
async function measureColdStart(stack: LocalStack) {
  const esbuildOptions = parse(readFileSync(join(PROJECT_ROOT, 'serverless.yml'), 'utf8')).custom.esbuild;
  const outfile = join(PROJECT_ROOT, 'bench/.build/identify.mjs');
  await build({
    entryPoints: [join(PROJECT_ROOT, 'functions/identify.ts')],
    bundle: true,
    minify: esbuildOptions.minify,
    platform: 'node',
    target: esbuildOptions.target,
    format: 'esm',
    banner: esbuildOptions.banner,
    outfile,
    logLevel: 'silent',
  });
  const bundleBytes = statSync(outfile).size;
  // One after another, each in a fresh process (the Data API server in this process keeps serving meanwhile).
  const runs: { loadMs: number; firstAnswerMs: number; status: number; wallMs: number }[] = [];
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bench/cold-start.mjs'), outfile, `cold${i}.${Date.now()}@bench.example`], {
      env: { ...process.env, ...stack.handlerEnv, DB_NAME, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    await new Promise((resolve) => child.once('exit', resolve));
    const timings = JSON.parse(stdout.trim().split('\n').pop() || '{}') as { loadMs: number; firstAnswerMs: number; status: number };
    runs.push({ ...timings, wallMs: performance.now() - started });
  }
  const median = (values: number[]) => round([...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!);
  return {
    bundleBytes,
    bundleKB: round(bundleBytes / 1024),
    runs: runs.length,
    statuses: [...new Set(runs.map((run) => run.status))],
    medianLoadMs: median(runs.map((run) => run.loadMs)),
    medianLoadAndFirstAnswerMs: median(runs.map((run) => run.firstAnswerMs)),
    medianProcessWallMs: median(runs.map((run) => run.wallMs)),
  };
}

interface BenchReport {
  date: string;
  machine: { cpus: number; cpuModel: string | undefined; memoryGiB: number; node: string; cpuCheckMs: { beforeCells: number; afterCells: number } };
  settings: { durationS: number; warmupS: number; seed: number; customers: number; mix: string };
  throughput: CellResult[];
  perKind?: Awaited<ReturnType<typeof countPerKind>>;
  coldStart?: Awaited<ReturnType<typeof measureColdStart>>;
}

function printReport(report: BenchReport) {
  const cells = report.throughput;
  console.log(
    `identify benchmark, ${report.date}, ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}`,
  );
  const check = report.machine.cpuCheckMs;
  console.log(
    `machine speed: 200,000 SHA-256 in ${check.beforeCells} ms before the cells, ${check.afterCells} ms after (the same work; on a shared VM it drifts: compare runs only at like speed)`,
  );
  console.log(
    `workload: ${report.settings.mix}, seed ${report.settings.seed}, ${report.settings.customers} customers to start, ${report.settings.durationS} s per cell after ${report.settings.warmupS} s warm-up; sections ${[...SECTIONS].join(', ')}\n`,
  );
  if (cells.length > 0) printThroughput(cells);
  if (report.perKind) printPerKind(report.perKind);
  const cold = report.coldStart;
  if (cold) {
    console.log(
      `\ncold start: bundle ${cold.bundleKB} KB minified; in a fresh Node process, load ${cold.medianLoadMs} ms, load + first answer ${cold.medianLoadAndFirstAnswerMs} ms, whole process ${cold.medianProcessWallMs} ms (median of ${cold.runs}; statuses ${cold.statuses.join(',')})`,
    );
  }
}

function printThroughput(cells: CellResult[]) {
  console.log('| path | concurrency | req/s | p50 ms | p95 ms | p99 ms | errors |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const cell of cells)
    console.log(`| ${PATH_LABEL[cell.path]} | ${cell.concurrency} | ${cell.rps} | ${cell.p50} | ${cell.p95} | ${cell.p99} | ${cell.errors} |`);
  const top = Math.max(...LEVELS);
  console.log(`\nlatency by kind of request at concurrency ${top} (ms, p50 / p99; requests):\n`);
  console.log(`| path | ${KINDS.join(' | ')} |`);
  console.log(`| --- |${KINDS.map(() => ' ---: |').join('')}`);
  for (const cell of cells.filter((cell) => cell.concurrency === top)) {
    const kinds = KINDS.map((kind) => cell.byKind[kind]!).map((k) => `${k.p50} / ${k.p99}; ${k.requests}`);
    console.log(`| ${PATH_LABEL[cell.path]} | ${kinds.join(' | ')} |`);
  }
  const b = cells.find((c) => c.path === 'b' && c.concurrency === top);
  const c = cells.find((c) => c.path === 'c' && c.concurrency === top);
  if (b && c) console.log(`\n(b) / (c) throughput at concurrency ${top}: ${Math.round((b.rps / c.rps) * 100)}% (target ≥ 60%)`);
}

function printPerKind(perKind: NonNullable<BenchReport['perKind']>) {
  console.log('\n| kind of request | Data API calls | by operation | SQL statements via Data API | SQL statements direct |');
  console.log('| --- | ---: | --- | ---: | ---: |');
  for (const [kind, row] of Object.entries(perKind)) {
    const ops = Object.entries(row.callsByOperation)
      .map(([op, n]) => `${op} ${n}`)
      .join(', ');
    console.log(`| ${kind} | ${row.dataApiCalls} | ${ops} | ${row.statementsViaDataApi} | ${row.statementsDirect} |`);
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

main().catch((error: unknown) => {
  progress('');
  console.error(error instanceof DatabaseUnreachable ? error.message : `benchmark failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
