import { type Blocklist, parseBlockedValues } from '../contacts/blocklist.js';
import { normalizeEmail, normalizePhone } from '../contacts/request.js';
import { BlocklistError, ConfigError } from '../errors.js';

/**
 * The service's configuration, read once per container. A missing variable fails the cold start
 * with its name, rather than a confusing error on the first request.
 */
export interface Config {
  /** ARN of the Aurora cluster (DB_CLUSTER_ARN). */
  resourceArn: string;
  /** ARN of the Secrets Manager secret with the database credentials (DB_SECRET_ARN). */
  secretArn: string;
  /** Database (schema) that holds the Contact table (DB_NAME). */
  database: string;
  /** Timeout of one Data API HTTP call, in ms (DATA_API_REQUEST_TIMEOUT_MS, default 20000). */
  requestTimeoutMs: number;
  /**
   * Values that identify nobody (BLOCKED_EMAILS, BLOCKED_PHONES; syntax in lib/contacts/blocklist.ts).
   * Absent: nothing blocked (handlers that tests build from a literal Config leave it out).
   */
  blocklist?: Blocklist;
  /** A request that touches a larger group logs one warning (LARGE_GROUP_WARNING_SIZE, default 1000). */
  largeGroupWarningSize?: number;
  /** The deployed stage (STAGE, set by serverless.yml), a dimension of every metric; default `local`. */
  stage?: string;
}

export const DEFAULT_LARGE_GROUP_WARNING_SIZE = 1_000;
export const DEFAULT_STAGE = 'local';

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    resourceArn: required(env, 'DB_CLUSTER_ARN'),
    secretArn: required(env, 'DB_SECRET_ARN'),
    database: required(env, 'DB_NAME'),
    requestTimeoutMs: positiveInt(env, 'DATA_API_REQUEST_TIMEOUT_MS', 20_000),
    blocklist: readBlocklist(env),
    largeGroupWarningSize: positiveInt(env, 'LARGE_GROUP_WARNING_SIZE', DEFAULT_LARGE_GROUP_WARNING_SIZE),
    stage: env.STAGE?.trim() || DEFAULT_STAGE,
  };
}

export function readBlocklist(env: NodeJS.ProcessEnv): Blocklist {
  try {
    return {
      blocksEmail: parseBlockedValues('BLOCKED_EMAILS', env.BLOCKED_EMAILS, normalizeEmail),
      blocksPhone: parseBlockedValues('BLOCKED_PHONES', env.BLOCKED_PHONES, normalizePhone),
    };
  } catch (error) {
    if (error instanceof BlocklistError) throw new ConfigError(`environment variable ${error.message}`);
    throw error;
  }
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`environment variable ${name} is not set`);
  return value;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new ConfigError(`environment variable ${name} must be a positive integer, not "${raw}"`);
  return value;
}
