import { existsSync } from 'node:fs';
import { EnvironmentVariables, EnvName } from './env.validation';
import { validateEnv } from './validate-env';

/** The variables one CLI command reads, and those of them it cannot run without. */
export interface EnvScope {
  reads: readonly EnvName[];
  requires: readonly EnvName[];
}

/** Development only: the addresses of the embedded stand-ins that replace an unset MongoDB or Stream. */
export interface StandInBackends {
  mongoUri?: string;
  stream?: { apiKey: string; apiSecret: string; baseUrl: string };
  smtpUrl?: string;
}

/**
 * The process's variables, `.env` included when the working directory has one (a variable already set wins, as
 * with Nest's ConfigModule). The one place that reads process.env; called once by each entry.
 */
export function readProcessEnv(envFile = '.env'): Record<string, string | undefined> {
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return { ...process.env };
}

/**
 * The validated environment, from the variables given. With a scope (the CLI), only what the command reads is
 * validated (the rest keeps its defaults, so a variable it never uses, such as JWT_SECRET_KEY, can neither be
 * asked for nor fail it) and what it needs is required whatever NODE_ENV says. Throws EnvValidationError naming
 * every bad variable.
 */
export function resolveEnvironment(
  variables: Record<string, string | undefined>,
  scope?: EnvScope,
): EnvironmentVariables {
  const raw = scope
    ? Object.fromEntries(scope.reads.filter((k) => k in variables).map((k) => [k, variables[k]]))
    : variables;
  return validateEnv(raw, scope?.requires);
}

/** The environment with the backends it left unset filled in by the stand-ins (see common/backends.ts). */
export function withStandIns(env: EnvironmentVariables, standIns: StandInBackends): EnvironmentVariables {
  return {
    ...env,
    ...(standIns.mongoUri ? { MONGODB_URI: standIns.mongoUri } : {}),
    ...(standIns.stream
      ? {
          STREAM_API_KEY: standIns.stream.apiKey,
          STREAM_API_SECRET: standIns.stream.apiSecret,
          STREAM_BASE_URL: standIns.stream.baseUrl,
        }
      : {}),
    ...(standIns.smtpUrl ? { SMTP_URL: standIns.smtpUrl } : {}),
  };
}
