import { createSecretKey, randomBytes } from 'node:crypto';
import { registerAs } from '@nestjs/config';
import { NodeEnv, validateEnv } from './env.validation';

// The only module that reads process.env; everything else injects these typed namespaces.
const env = () => validateEnv(process.env);

/** Fails fast, before Nest boots, with one error naming every bad variable (see EnvValidationError). */
export const checkEnvironment = (): void => void env();

const durationSeconds = (value: string): number => {
  const match = /^(\d+)\s*(s|m|h|d)$/.exec(value);
  if (!match) throw new Error(`bad duration: ${value}`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
};

const parseTrustProxy = (value: string): boolean | number | string => {
  const v = value.trim();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  return /^\d+$/.test(v) ? Number(v) : v;
};

export const appConfig = registerAs('app', () => {
  const e = env();
  return {
    nodeEnv: e.NODE_ENV,
    isProduction: e.NODE_ENV === NodeEnv.Production,
    port: e.PORT,
    corsOrigins: e.CORS_ORIGIN.split(',').map((o) => o.trim()),
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    bodyLimit: '100kb',
  };
});

export const authConfig = registerAs('auth', () => {
  const e = env();
  // Outside production only (validation requires it there): sessions then last until the process restarts.
  const jwtSecret = e.JWT_SECRET_KEY ?? randomBytes(32).toString('hex');
  return {
    jwtSecretGenerated: !e.JWT_SECRET_KEY,
    // A KeyObject, not the string: given a string, jsonwebtoken first tries to parse it as a PEM key, which
    // throws and costs ~0.3 ms per sign or verify (measured) on the token hot path.
    jwtKey: createSecretKey(Buffer.from(jwtSecret, 'utf8')),
    jwtExpiresIn: e.JWT_EXPIRES_IN,
    jwtExpiresInSeconds: durationSeconds(e.JWT_EXPIRES_IN),
    cookieSecure: e.NODE_ENV === NodeEnv.Production,
    bcryptRounds: e.BCRYPT_ROUNDS,
    avatarUrlTemplate: e.AVATAR_URL_TEMPLATE,
    throttleTtlMs: e.THROTTLE_TTL_SECONDS * 1000,
    throttleLoginLimit: e.THROTTLE_LOGIN_LIMIT,
    throttleSignupLimit: e.THROTTLE_SIGNUP_LIMIT,
    userExistsCacheMs: e.USER_EXISTS_CACHE_MS,
  };
});

export const mongoConfig = registerAs('mongo', () => {
  const e = env();
  return { uri: e.MONGODB_URI, embeddedDataDir: '.mongo-data', embeddedDbName: 'lingo' };
});

export const streamConfig = registerAs('stream', () => {
  const e = env();
  return {
    apiKey: e.STREAM_API_KEY,
    apiSecret: e.STREAM_API_SECRET,
    baseUrl: e.STREAM_BASE_URL,
    timeoutMs: e.STREAM_TIMEOUT_MS,
    tokenTtlSeconds: e.STREAM_TOKEN_TTL_SECONDS,
    taskTimeoutMs: e.STREAM_TASK_TIMEOUT_MS,
  };
});

export const syncConfig = registerAs('sync', () => {
  const e = env();
  return {
    intervalMs: e.SYNC_INTERVAL_MS,
    backoffBaseMs: e.SYNC_BACKOFF_BASE_MS,
    backoffMaxMs: e.SYNC_BACKOFF_MAX_MS,
    leaseMs: e.SYNC_LEASE_MS,
    batchSize: e.SYNC_BATCH_SIZE,
  };
});

export const usersConfig = registerAs('users', () => ({ pageLimitMax: env().USERS_PAGE_LIMIT_MAX }));

export type AuthConfig = ReturnType<typeof authConfig>;
