import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import mysql from 'mysql2/promise';
import { LOCAL_DEFAULTS } from './server.js';

/**
 * The per-call overhead of the local Data API server: the median latency of one simple SELECT sent
 * through the server with the AWS SDK (signed, as an application sends it), against the same
 * query sent straight to MySQL/MariaDB with mysql2, in one run. The server runs in a process of
 * its own (`cli.ts --quiet`), as `npm run data-api` does, so the two do not share an event loop.
 *
 *   npx tsx infra/local-data-api/src/measure-overhead.ts [calls]      (MYSQL_URL as for the server)
 */

const CALLS = Number(process.argv[2] ?? 2_000);
const WARMUP = 200;
const SQL = 'SELECT 1 AS one';
const mysqlUrl = process.env.MYSQL_URL || LOCAL_DEFAULTS.mysqlUrl;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
}

async function time(work: () => Promise<unknown>, calls: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = process.hrtime.bigint();
    await work();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return samples;
}

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const server = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--quiet', '--database', 'information_schema', '--mysql-url', mysqlUrl], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((resolve, reject) => {
  let output = '';
  server.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    const match = /listening on\s+(http:\/\/\S+)/.exec(output);
    if (match) resolve(match[1]!);
  });
  server.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${output}`)));
});

const client = new RDSDataClient({ endpoint: url, region: LOCAL_DEFAULTS.region, credentials: LOCAL_DEFAULTS.credentials });
const command = () => client.send(new ExecuteStatementCommand({ resourceArn: LOCAL_DEFAULTS.resourceArn, secretArn: LOCAL_DEFAULTS.secretArn, sql: SQL }));
const pool = mysql.createPool({ uri: mysqlUrl, connectionLimit: 1 });
const direct = () => pool.query({ sql: SQL, rowsAsArray: true });

try {
  await time(command, WARMUP);
  await time(direct, WARMUP);
  // Interleaved rounds, so that drift of the machine touches both alike.
  const viaServer: number[] = [];
  const viaMysql2: number[] = [];
  const rounds = 10;
  for (let round = 0; round < rounds; round++) {
    viaServer.push(...(await time(command, CALLS / rounds)));
    viaMysql2.push(...(await time(direct, CALLS / rounds)));
  }
  viaServer.sort((a, b) => a - b);
  viaMysql2.sort((a, b) => a - b);
  const row = (name: string, s: number[]) =>
    `${name.padEnd(44)} median ${percentile(s, 0.5).toFixed(3)} ms   p90 ${percentile(s, 0.9).toFixed(3)} ms   p99 ${percentile(s, 0.99).toFixed(3)} ms`;
  console.log(`${CALLS} sequential calls of "${SQL}" each, after ${WARMUP} warm-up calls (MySQL at ${new URL(mysqlUrl).host})`);
  console.log(row('AWS SDK -> local Data API server -> MySQL', viaServer));
  console.log(row('mysql2 -> MySQL', viaMysql2));
  console.log(`overhead of the server per call (median difference): ${(percentile(viaServer, 0.5) - percentile(viaMysql2, 0.5)).toFixed(3)} ms`);
} finally {
  client.destroy();
  await pool.end();
  server.kill('SIGTERM');
}
