import { createSecretKey, randomBytes } from 'node:crypto';
import { registerAs } from '@nestjs/config';
import { EnvironmentVariables, EnvName, NodeEnv, validateEnv } from './env.validation';

// The only module that reads process.env; everything else injects these typed namespaces, one per concern.

let validated: { source: string; env: EnvironmentVariables } | undefined;
let standIns: StandInBackends = {};
let scope: EnvScope | undefined;

/** The variables one CLI command reads, and those of them it cannot run without. */
export interface EnvScope {
  reads: readonly EnvName[];
  requires: readonly EnvName[];
}

/**
 * The CLI: validate only what the command reads (the rest keeps its defaults, so a variable it never uses, such
 * as JWT_SECRET_KEY, can neither be asked for nor fail it) and require what it needs whatever NODE_ENV says.
 */
export function scopeEnv(next: EnvScope): void {
  scope = next;
  validated = undefined;
}

/**
 * The validated environment. Validated once per process: every namespace below reads this one result (it is
 * validated again only if process.env changes, as when a test boots a second app with other settings).
 */
export function loadEnv(): EnvironmentVariables {
  const source = JSON.stringify(process.env);
  if (validated?.source !== source) {
    const raw = scope
      ? Object.fromEntries(scope.reads.filter((k) => k in process.env).map((k) => [k, process.env[k]]))
      : process.env;
    validated = { source, env: withStandIns(validateEnv(raw, scope?.requires)) };
  }
  return validated.env;
}

/** Development only: the addresses of the embedded stand-ins that replace an unset MongoDB or Stream. */
export interface StandInBackends {
  mongoUri?: string;
  stream?: { apiKey: string; apiSecret: string; baseUrl: string };
  smtpUrl?: string;
}

/** Fills in the backends the environment left unset (see common/backends.ts). */
export function useStandInBackends(backends: StandInBackends): void {
  standIns = backends;
  withStandIns(loadEnv());
}

function withStandIns(env: EnvironmentVariables): EnvironmentVariables {
  if (standIns.mongoUri) env.MONGODB_URI = standIns.mongoUri;
  if (standIns.stream) {
    env.STREAM_API_KEY = standIns.stream.apiKey;
    env.STREAM_API_SECRET = standIns.stream.apiSecret;
    env.STREAM_BASE_URL = standIns.stream.baseUrl;
  }
  if (standIns.smtpUrl) env.SMTP_URL = standIns.smtpUrl;
  return env;
}

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

/** The HTTP process: port, CORS, proxies, body size. */
export const appConfig = registerAs('app', () => {
  const e = loadEnv();
  return {
    nodeEnv: e.NODE_ENV,
    isProduction: e.NODE_ENV === NodeEnv.Production,
    port: e.PORT,
    corsOrigins: e.CORS_ORIGIN.split(',').map((o) => o.trim()),
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    bodyLimit: '100kb',
    frontendDist: e.FRONTEND_DIST,
    // SIGTERM: readiness answers 503 for drainMs (load balancers stop sending), then in-flight requests get
    // up to graceMs to finish.
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    bodyShape: { maxDepth: e.BODY_MAX_DEPTH, maxArrayLength: e.BODY_MAX_ARRAY_LENGTH },
  };
});

/** One JSON line per event (pretty in development only), through one asynchronous pino destination. */
export const logConfig = registerAs('log', () => {
  const e = loadEnv();
  return {
    level: e.LOG_LEVEL ?? (e.NODE_ENV === NodeEnv.Production ? 'info' : 'debug'),
    pretty: e.NODE_ENV === NodeEnv.Development,
  };
});

/** GET /metrics, optionally behind a bearer token. */
export const metricsConfig = registerAs('metrics', () => ({ token: loadEnv().METRICS_TOKEN }));

/** Probes: how long Stream's reachability is reused, so no probe rate costs more than one Stream call per interval. */
/** The health probes: each dependency's deadline, how long Stream's reachability and complete indexes are reused. */
export const healthConfig = registerAs('health', () => {
  const e = loadEnv();
  return {
    checkTimeoutMs: e.HEALTH_CHECK_TIMEOUT_MS,
    streamCacheMs: e.HEALTH_STREAM_CACHE_MS,
    indexesCacheMs: e.HEALTH_INDEXES_CACHE_MS,
  };
});

/** Sessions: their JWTs, the cookie that carries them, the session records. */
export const authConfig = registerAs('auth', () => {
  const e = loadEnv();
  // Outside production only (validation requires it there): sessions then last until the process restarts.
  const jwtSecret = e.JWT_SECRET_KEY ?? randomBytes(32).toString('hex');
  return {
    jwtSecretGenerated: !e.JWT_SECRET_KEY,
    // A KeyObject, not the string: given a string, jsonwebtoken first tries to parse it as a PEM key, which
    // throws and costs ~0.3 ms per sign or verify (measured) on the token hot path.
    jwtKey: createSecretKey(Buffer.from(jwtSecret, 'utf8')),
    jwtExpiresInSeconds: durationSeconds(e.JWT_EXPIRES_IN),
    cookieSecure: e.NODE_ENV === NodeEnv.Production,
    sessionTouchIntervalMs: e.SESSION_TOUCH_INTERVAL_SECONDS * 1000,
    sessionsListMax: e.SESSIONS_LIST_MAX,
    passwordResetTtlMs: e.PASSWORD_RESET_TTL_SECONDS * 1000,
  };
});

/** Per-client limits on the endpoints that cost a bcrypt hash or send mail; per-account and per-email limits. */
export const throttleConfig = registerAs('throttle', () => {
  const e = loadEnv();
  return {
    ttlMs: e.THROTTLE_TTL_SECONDS * 1000,
    loginLimit: e.THROTTLE_LOGIN_LIMIT,
    signupLimit: e.THROTTLE_SIGNUP_LIMIT,
    passwordResetLimit: e.THROTTLE_PASSWORD_RESET_LIMIT,
    accountLoginLimit: e.THROTTLE_ACCOUNT_LOGIN_LIMIT,
    accountTtlMs: e.THROTTLE_ACCOUNT_TTL_SECONDS * 1000,
    resetEmailLimit: e.PASSWORD_RESET_EMAIL_LIMIT,
    // Shared by every instance when set; process memory (one instance only) otherwise.
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    redisTimeoutMs: e.REDIS_TIMEOUT_MS,
  };
});

/** Outgoing mail. */
export const mailConfig = registerAs('mail', () => {
  const e = loadEnv();
  return {
    // Set in production (validated); in development the SMTP sink's address when it was unset.
    smtpUrl: e.SMTP_URL ?? '',
    from: e.MAIL_FROM,
    timeoutMs: e.MAIL_TIMEOUT_MS,
    appUrl: e.APP_URL,
  };
});

export const mongoConfig = registerAs('mongo', () => {
  const e = loadEnv();
  return {
    // Set in production (validated); in development the stand-in's address when it was unset (useStandInBackends).
    uri: e.MONGODB_URI ?? '',
    connectTimeoutMs: e.MONGODB_CONNECT_TIMEOUT_MS,
    // Production never builds indexes at boot (a build over existing data can fail or load the primary): it
    // checks they exist (indexes/) and the `indexes` CLI command builds them.
    autoIndex: e.NODE_ENV !== NodeEnv.Production,
    timeoutMs: e.MONGODB_TIMEOUT_MS,
    maxTimeMs: e.MONGODB_MAX_TIME_MS,
  };
});

/** The `migrate` CLI command. */
export const migrationConfig = registerAs('migration', () => ({ batchSize: loadEnv().MIGRATE_BATCH_SIZE }));

export const streamConfig = registerAs('stream', () => {
  const e = loadEnv();
  return {
    apiKey: e.STREAM_API_KEY ?? '',
    apiSecret: e.STREAM_API_SECRET ?? '',
    baseUrl: e.STREAM_BASE_URL,
    timeoutMs: e.STREAM_TIMEOUT_MS,
    tokenTtlSeconds: e.STREAM_TOKEN_TTL_SECONDS,
    taskTimeoutMs: e.STREAM_TASK_TIMEOUT_MS,
  };
});

/** The worker that mirrors users into Stream. */
export const syncConfig = registerAs('sync', () => {
  const e = loadEnv();
  return {
    intervalMs: e.SYNC_INTERVAL_MS,
    backoffBaseMs: e.SYNC_BACKOFF_BASE_MS,
    backoffMaxMs: e.SYNC_BACKOFF_MAX_MS,
    leaseMs: e.SYNC_LEASE_MS,
    batchSize: e.SYNC_BATCH_SIZE,
  };
});

/** Accounts and profiles: password hashing, the default avatar, paging, the "user exists" cache. */
export const usersConfig = registerAs('users', () => {
  const e = loadEnv();
  return {
    bcryptRounds: e.BCRYPT_ROUNDS,
    avatarUrlTemplate: e.AVATAR_URL_TEMPLATE,
    pageLimitMax: e.USERS_PAGE_LIMIT_MAX,
    existsCacheMs: e.USER_EXISTS_CACHE_MS,
  };
});

/** Stream's webhook calls (POST /api/stream/webhook). */
export const webhookConfig = registerAs('webhook', () => {
  const e = loadEnv();
  return {
    userDeleted: e.STREAM_WEBHOOK_USER_DELETED,
    dedupeTtlSeconds: e.STREAM_WEBHOOK_DEDUPE_TTL_SECONDS,
  };
});

/** GET /api/users/me/export: exports per user per rolling day, and how long to wait for Stream's part. */
export const exportConfig = registerAs('export', () => {
  const e = loadEnv();
  return { dailyLimit: e.EXPORT_DAILY_LIMIT, streamWaitMs: e.EXPORT_STREAM_WAIT_MS };
});

/** Every namespace, for ConfigModule.forRoot({ load }) in the API and the CLI. */
export const CONFIG_NAMESPACES = [
  appConfig,
  logConfig,
  metricsConfig,
  healthConfig,
  authConfig,
  throttleConfig,
  mongoConfig,
  streamConfig,
  syncConfig,
  usersConfig,
  mailConfig,
  webhookConfig,
  exportConfig,
  migrationConfig,
];

export type AuthConfig = ReturnType<typeof authConfig>;
export type ThrottleConfig = ReturnType<typeof throttleConfig>;
