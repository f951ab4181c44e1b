import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { EnvironmentVariables, EnvName, isProduction } from './env.validation';
import { isLoopbackHttp, parseOidcProviders } from './oidc-providers';
import { relyingPartyProblems } from './webauthn-relying-party';

/** What the API cannot run without in production; outside it, embedded stand-ins take their place. */
export const PRODUCTION_REQUIRED: readonly EnvName[] = [
  'MONGODB_URI',
  'JWT_SECRET_KEY',
  'STREAM_API_KEY',
  'STREAM_API_SECRET',
  'SMTP_URL',
  'MFA_ENCRYPTION_KEYS',
];

function describe(errors: ValidationError[]): string[] {
  return errors.map((e) => {
    const reasons = Object.values(e.constraints ?? {});
    // class-validator's messages quote the rule, never the value, so secrets stay out of the output.
    return `${e.property}: ${reasons.join('; ') || 'invalid'}`;
  });
}

export class EnvValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment: ${problems.join(' | ')}`);
    this.name = 'EnvValidationError';
  }
}

/** Fills env.oidcProviders from the OIDC_<NAME>_* variables; returns what is wrong with them. */
function readOidcProviders(
  env: EnvironmentVariables,
  raw: Record<string, unknown>,
  known: string[],
): string[] {
  env.oidcProviders = [];
  if (env.OIDC_PROVIDERS.trim() === '' || known.some((p) => p.startsWith('OIDC_PROVIDERS:'))) return [];
  const { providers, problems } = parseOidcProviders(env.OIDC_PROVIDERS, raw);
  env.oidcProviders = providers;
  if (isProduction(env) && !known.some((p) => p.startsWith('API_PUBLIC_URL:'))) {
    // A callback URL taken from the Host header would be the client's to choose: production names its own.
    if (!env.API_PUBLIC_URL)
      problems.push('API_PUBLIC_URL: is required in production when OIDC_PROVIDERS is set');
    else if (!/^https:/i.test(env.API_PUBLIC_URL) && !isLoopbackHttp(new URL(env.API_PUBLIC_URL)))
      problems.push('API_PUBLIC_URL: must be https in production (http only on a loopback host)');
  }
  return problems;
}

/**
 * Parses and checks the environment; throws one error naming every bad variable (never its value). `required`
 * defaults to the API's rule (PRODUCTION_REQUIRED in production); the CLI passes what its command uses.
 */
export function validateEnv(
  raw: Record<string, unknown>,
  required?: readonly EnvName[],
): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  const errors = validateSync(env);
  const problems = describe(errors);
  for (const name of required ?? (isProduction(env) ? PRODUCTION_REQUIRED : [])) {
    if (!env[name] && !problems.some((p) => p.startsWith(`${name}:`))) problems.push(`${name}: is required`);
  }
  problems.push(...readOidcProviders(env, raw, problems));
  problems.push(...relyingPartyProblems(env.APP_URL, env.WEBAUTHN_RP_ID, problems));
  if (problems.length > 0) throw new EnvValidationError(problems);
  return env;
}
