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
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    resourceArn: required(env, 'DB_CLUSTER_ARN'),
    secretArn: required(env, 'DB_SECRET_ARN'),
    database: required(env, 'DB_NAME'),
    requestTimeoutMs: positiveInt(env, 'DATA_API_REQUEST_TIMEOUT_MS', 20_000),
  };
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
