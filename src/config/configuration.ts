import { createSecretKey, randomBytes } from 'node:crypto';
import { ConfigFactory, getConfigToken, registerAs } from '@nestjs/config';
import { EnvironmentVariables, NodeEnv } from './env.validation';
import { parseTrustProxy } from './trust-proxy';
import { relyingPartyId } from './webauthn-relying-party';

// Typed namespaces, one per concern, each built from the validated environment (environment.ts) that the entry
// passes in: no module state, so two apps in one process (tests) each get their own.

/** A namespace: a pure builder from the validated environment, with the token consumers inject (`KEY`). */
function namespace<T>(name: string, build: (e: EnvironmentVariables) => T) {
  return Object.assign(build, { KEY: getConfigToken(name), NAME: name });
}

const durationSeconds = (value: string): number => {
  const match = /^(\d+)\s*(s|m|h|d)$/.exec(value);
  if (!match) throw new Error(`bad duration: ${value}`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
};

/** The HTTP process: port, CORS, proxies, body size. */
export const appConfig = namespace('app', (e) => {
  return {
    nodeEnv: e.NODE_ENV,
    isProduction: e.NODE_ENV === NodeEnv.Production,
    port: e.PORT,
    corsOrigins: e.CORS_ORIGIN.split(',').map((o) => o.trim()),
    // Validated (env.validation.ts): never undefined here.
    trustProxy: parseTrustProxy(e.TRUST_PROXY) ?? false,
    bodyLimit: '100kb',
    frontendDist: e.FRONTEND_DIST,
    // Where the frontend is served from; https there makes its pages upgrade insecure requests.
    appUrl: e.APP_URL,
    // SIGTERM: readiness answers 503 and the server keeps accepting for drainMs (load balancers stop sending),
    // then in-flight requests get up to graceMs to finish.
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS ?? (e.NODE_ENV === NodeEnv.Production ? 5000 : 0),
    keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    bodyShape: { maxDepth: e.BODY_MAX_DEPTH, maxArrayLength: e.BODY_MAX_ARRAY_LENGTH },
  };
});

/** One JSON line per event (pretty in development only), through one asynchronous pino destination. */
export const logConfig = namespace('log', (e) => {
  return {
    level: e.LOG_LEVEL ?? (e.NODE_ENV === NodeEnv.Production ? 'info' : 'debug'),
    pretty: e.NODE_ENV === NodeEnv.Development,
  };
});

/** GET /metrics, optionally behind a bearer token. */
export const metricsConfig = namespace('metrics', (e) => ({ token: e.METRICS_TOKEN }));

/** The health probes: each dependency's deadline, how long Stream's reachability and complete indexes are reused. */
export const healthConfig = namespace('health', (e) => {
  return {
    checkTimeoutMs: e.HEALTH_CHECK_TIMEOUT_MS,
    streamCacheMs: e.HEALTH_STREAM_CACHE_MS,
    indexesCacheMs: e.HEALTH_INDEXES_CACHE_MS,
  };
});

/** Sessions: their JWTs, the cookie that carries them, the session records. */
export const authConfig = namespace('auth', (e) => {
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

/** A key that encrypts TOTP secrets at rest, named by its id (stored beside each ciphertext). */
export interface MfaKey {
  id: string;
  key: Buffer;
}

/**
 * Second factors: the key ring (new secrets under the newest, the last listed; older ones still decrypt), the
 * pending sign-in's lifetime, the issuer authenticator apps show (wrong codes are limited in throttleConfig).
 */
export const mfaConfig = namespace('mfa', (e) => {
  // Outside production only (validation requires the keys there): secrets then become unreadable on restart.
  const keys: MfaKey[] = e.MFA_ENCRYPTION_KEYS
    ? e.MFA_ENCRYPTION_KEYS.split(',').map((pair) => {
        const [id, key] = pair.trim().split(':');
        return { id, key: Buffer.from(key, 'base64') };
      })
    : [{ id: 'dev', key: randomBytes(32) }];
  return {
    keys,
    keysGenerated: !e.MFA_ENCRYPTION_KEYS,
    challengeTtlMs: e.MFA_CHALLENGE_TTL_SECONDS * 1000,
    totpIssuer: e.MFA_TOTP_ISSUER,
    cookieSecure: e.NODE_ENV === NodeEnv.Production,
  };
});

/** Per-client limits on the endpoints that cost a bcrypt hash or send mail; per-account and per-email limits. */
export const throttleConfig = namespace('throttle', (e) => {
  return {
    ttlMs: e.THROTTLE_TTL_SECONDS * 1000,
    loginLimit: e.THROTTLE_LOGIN_LIMIT,
    signupLimit: e.THROTTLE_SIGNUP_LIMIT,
    passwordResetLimit: e.THROTTLE_PASSWORD_RESET_LIMIT,
    // Failed logins on one account: from one client address, and from all of them together.
    accountLoginLimit: e.THROTTLE_ACCOUNT_LOGIN_LIMIT,
    accountLoginCeiling: e.THROTTLE_ACCOUNT_LOGIN_CEILING,
    accountTtlMs: e.THROTTLE_ACCOUNT_TTL_SECONDS * 1000,
    resetEmailLimit: e.PASSWORD_RESET_EMAIL_LIMIT,
    emailVerificationLimit: e.THROTTLE_EMAIL_VERIFICATION_LIMIT,
    // Verification mails (codes, links, notices) per address and per account, per window.
    verificationMailLimit: e.EMAIL_VERIFICATION_MAIL_LIMIT,
    verificationAccountLimit: e.EMAIL_VERIFICATION_ACCOUNT_LIMIT,
    verificationWindowMs: e.EMAIL_VERIFICATION_MAIL_WINDOW_SECONDS * 1000,
    // Wrong second-factor codes per account, whichever route checked them.
    mfaCodeLimit: e.MFA_CODE_LIMIT,
    mfaCodeWindowMs: e.MFA_CODE_WINDOW_SECONDS * 1000,
    // Shared by every instance when set; process memory (one instance only) otherwise.
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    redisTimeoutMs: e.REDIS_TIMEOUT_MS,
  };
});

/** Email verification: the policy (what an unverified address keeps a user from), the lifetime of a link or code. */
export const verificationConfig = namespace('verification', (e) => {
  return {
    requireVerifiedEmail: e.REQUIRE_VERIFIED_EMAIL,
    ttlMs: e.EMAIL_VERIFICATION_TTL_SECONDS * 1000,
    codeTries: e.EMAIL_VERIFICATION_CODE_TRIES,
  };
});

/** Outgoing mail. */
export const mailConfig = namespace('mail', (e) => {
  return {
    // Set in production (validated); in development the SMTP sink's address when it was unset.
    smtpUrl: e.SMTP_URL ?? '',
    from: e.MAIL_FROM,
    timeoutMs: e.MAIL_TIMEOUT_MS,
    appUrl: e.APP_URL,
  };
});

export const mongoConfig = namespace('mongo', (e) => {
  return {
    // Set in production (validated); in development the stand-in's address when it was unset (common/backends.ts).
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
export const migrationConfig = namespace('migration', (e) => ({ batchSize: e.MIGRATE_BATCH_SIZE }));

export const streamConfig = namespace('stream', (e) => {
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
export const syncConfig = namespace('sync', (e) => {
  return {
    intervalMs: e.SYNC_INTERVAL_MS,
    backoffBaseMs: e.SYNC_BACKOFF_BASE_MS,
    backoffMaxMs: e.SYNC_BACKOFF_MAX_MS,
    leaseMs: e.SYNC_LEASE_MS,
    batchSize: e.SYNC_BATCH_SIZE,
  };
});

/** Accounts and profiles: password hashing, the default avatar, paging, the "user exists" cache. */
export const usersConfig = namespace('users', (e) => {
  return {
    bcryptRounds: e.BCRYPT_ROUNDS,
    avatarUrlTemplate: e.AVATAR_URL_TEMPLATE,
    pageLimitMax: e.USERS_PAGE_LIMIT_MAX,
    existsCacheMs: e.USER_EXISTS_CACHE_MS,
  };
});

/** Stream's webhook calls (POST /api/stream/webhook). */
export const webhookConfig = namespace('webhook', (e) => {
  return {
    userDeleted: e.STREAM_WEBHOOK_USER_DELETED,
    dedupeTtlSeconds: e.STREAM_WEBHOOK_DEDUPE_TTL_SECONDS,
    maxAgeSeconds: e.STREAM_WEBHOOK_MAX_AGE_SECONDS,
  };
});

/** Custom events to a user's connected clients through Stream (best effort, never delaying a request). */
export const notifyConfig = namespace('notify', (e) => ({ timeoutMs: e.NOTIFY_TIMEOUT_MS }));

/** The moderator API: the longest timed ban. */
export const moderationConfig = namespace('moderation', (e) => ({
  banMaxMinutes: e.MODERATION_BAN_MAX_DAYS * 24 * 60,
}));

/** GET /api/users/me/export: exports per user per rolling day, and how long to wait for Stream's part. */
export const exportConfig = namespace('export', (e) => {
  return { dailyLimit: e.EXPORT_DAILY_LIMIT, streamWaitMs: e.EXPORT_STREAM_WAIT_MS };
});

/**
 * Sign-in with OpenID Connect providers: the providers, how discovery retries, how long a sign-in may take, and
 * where the callbacks and the app are.
 */
export const oidcConfig = namespace('oidc', (e) => {
  return {
    providers: e.oidcProviders,
    /** Unset outside production: each request's own origin. */
    publicApiUrl: e.API_PUBLIC_URL,
    appUrl: e.APP_URL,
    flowTtlMs: e.OIDC_FLOW_TTL_SECONDS * 1000,
    timeoutSeconds: e.OIDC_TIMEOUT_SECONDS,
    discoveryBackoff: { baseMs: e.OIDC_DISCOVERY_RETRY_BASE_MS, maxMs: e.OIDC_DISCOVERY_RETRY_MAX_MS },
    cookieSecure: e.NODE_ENV === NodeEnv.Production,
  };
});

/** Passkeys (WebAuthn): the relying party browsers bind them to, and how long a ceremony's challenge lives. */
export const webauthnConfig = namespace('webauthn', (e) => {
  return {
    rpId: relyingPartyId(e.APP_URL, e.WEBAUTHN_RP_ID),
    rpName: e.WEBAUTHN_RP_NAME,
    // Where the ceremonies run: the frontend's origin, which the browser writes into every signed response.
    origin: new URL(e.APP_URL).origin,
    challengeTtlMs: e.WEBAUTHN_CHALLENGE_TTL_SECONDS * 1000,
  };
});

const NAMESPACES = [
  appConfig,
  logConfig,
  metricsConfig,
  healthConfig,
  authConfig,
  throttleConfig,
  verificationConfig,
  mongoConfig,
  streamConfig,
  syncConfig,
  usersConfig,
  mailConfig,
  webhookConfig,
  notifyConfig,
  moderationConfig,
  exportConfig,
  migrationConfig,
  oidcConfig,
  mfaConfig,
  webauthnConfig,
];

/** Every namespace over this environment, for ConfigModule.forRoot({ load }) in the API and the CLI. */
export const configNamespaces = (env: EnvironmentVariables): ConfigFactory[] =>
  NAMESPACES.map((ns) => registerAs(ns.NAME, () => ns(env)));

export type AuthConfig = ReturnType<typeof authConfig>;
export type ThrottleConfig = ReturnType<typeof throttleConfig>;
export type StreamConfig = ReturnType<typeof streamConfig>;
export type OidcConfig = ReturnType<typeof oidcConfig>;
export type VerificationConfig = ReturnType<typeof verificationConfig>;
export type MfaConfig = ReturnType<typeof mfaConfig>;
