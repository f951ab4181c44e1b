import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
} from 'class-validator';
import { OidcProviderSettings } from './oidc-providers';
import { IsTrustProxy } from './trust-proxy';
import { RP_ID } from './webauthn-relying-party';

export enum NodeEnv {
  Development = 'development',
  Production = 'production',
  Test = 'test',
}

/** REQUIRE_VERIFIED_EMAIL: what an unverified email address keeps a user from (docs/api.md, "Email verification"). */
export const EMAIL_POLICIES = ['off', 'social', 'login'] as const;
export type EmailPolicy = (typeof EMAIL_POLICIES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const isProduction = (o: EnvironmentVariables) => o.NODE_ENV === NodeEnv.Production;
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
/** An integer variable (a string in the environment) within [min, max]. */
const IntRange = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  applyDecorators(Transform(toInt), IsInt(), Min(min), Max(max));
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Every environment variable the service reads, with its default. Backends and secrets are required only in
 * production: development and tests fall back to embedded stand-ins (see backends.ts).
 */
export class EnvironmentVariables {
  @IsEnum(NodeEnv)
  NODE_ENV: NodeEnv = NodeEnv.Development;

  @IntRange(0, 65535)
  PORT = 5000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'MONGODB_URI must be a mongodb:// or mongodb+srv:// URI' })
  MONGODB_URI?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET_KEY must be at least 32 characters' })
  JWT_SECRET_KEY?: string;

  @Matches(/^\d+\s*(s|m|h|d)$/, { message: 'JWT_EXPIRES_IN must look like 3600s, 30m, 12h or 7d' })
  JWT_EXPIRES_IN = '7d';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'STREAM_API_KEY must not be empty' })
  STREAM_API_KEY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'STREAM_API_SECRET must be at least 16 characters' })
  STREAM_API_SECRET?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  STREAM_BASE_URL?: string;

  @IntRange(100, 60000)
  STREAM_TIMEOUT_MS = 2000;

  // Unset: a chat token expires with the session that asked for it. Set: a shorter cap, for clients that
  // refresh through a tokenProvider.
  @Transform(emptyToUndefined)
  @IsOptional()
  @IntRange(60, 30 * 24 * 3600)
  STREAM_TOKEN_TTL_SECONDS?: number;

  @IntRange(10, 15)
  BCRYPT_ROUNDS = 10;

  @IsString()
  CORS_ORIGIN = 'http://localhost:5173';

  // Express's "trust proxy": behind a load balancer, per-client rate limits need the client's address from
  // X-Forwarded-For. Empty = off; the proxies' addresses/subnets ("loopback, 10.0.0.0/8"), or a hop count.
  @IsTrustProxy()
  TRUST_PROXY = '';

  @IsString()
  AVATAR_URL_TEMPLATE = 'https://avatar.iran.liara.run/public/{n}.png';

  @IntRange(1)
  THROTTLE_TTL_SECONDS = 60;

  @IntRange(1)
  THROTTLE_LOGIN_LIMIT = 10;

  @IntRange(1)
  THROTTLE_SIGNUP_LIMIT = 10;

  @IntRange(100)
  SYNC_INTERVAL_MS = 2000;

  @IntRange(100)
  SYNC_BACKOFF_BASE_MS = 1000;

  @IntRange(1000)
  SYNC_BACKOFF_MAX_MS = 15000;

  @IntRange(1000)
  SYNC_LEASE_MS = 30000;

  @IntRange(1, 100)
  SYNC_BATCH_SIZE = 100;

  @IntRange(0, 60000)
  USER_EXISTS_CACHE_MS = 2000;

  @IntRange(1000)
  STREAM_TASK_TIMEOUT_MS = 60000;

  @IntRange(1, 100)
  USERS_PAGE_LIMIT_MAX = 100;

  // Sessions: how often (at most) a session's "last used" time is written, and how many GET /api/auth/sessions lists.
  @IntRange(1)
  SESSION_TOUCH_INTERVAL_SECONDS = 900;

  @IntRange(1, 1000)
  SESSIONS_LIST_MAX = 100;

  // Failed logins on one account within the window: from one client address (past the limit, that client gets 429
  // for that account until the window ends), and from every address together (the ceiling: the account's logins
  // get 429, which only a distributed attack reaches). A new password starts both counts afresh.
  @IntRange(1)
  THROTTLE_ACCOUNT_LOGIN_LIMIT = 10;

  @IntRange(1)
  THROTTLE_ACCOUNT_LOGIN_CEILING = 100;

  @IntRange(1)
  THROTTLE_ACCOUNT_TTL_SECONDS = 900;

  // Password reset: per-client requests share THROTTLE_TTL_SECONDS; per email address too.
  @IntRange(1)
  THROTTLE_PASSWORD_RESET_LIMIT = 5;

  @IntRange(1)
  PASSWORD_RESET_EMAIL_LIMIT = 3;

  @IntRange(60, 24 * 3600)
  PASSWORD_RESET_TTL_SECONDS = 1800;

  // Second factors: the keys that encrypt TOTP secrets (`kid:base64-32-bytes`, comma-separated, newest last), how
  // long a sign-in waits for its second factor, and wrong codes per account per window.
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\s*[\w-]{1,32}:[A-Za-z0-9+/]{43}=\s*(,\s*[\w-]{1,32}:[A-Za-z0-9+/]{43}=\s*)*$/, {
    message: 'MFA_ENCRYPTION_KEYS must be kid:base64key pairs (32-byte keys), comma-separated',
  })
  MFA_ENCRYPTION_KEYS?: string;

  @IntRange(30, 3600)
  MFA_CHALLENGE_TTL_SECONDS = 300;

  // The name authenticator apps show beside the account.
  @IsString()
  @MinLength(1)
  MFA_TOTP_ISSUER = 'Lingo';

  @IntRange(1, 1000)
  MFA_CODE_LIMIT = 10;

  @IntRange(60, 24 * 3600)
  MFA_CODE_WINDOW_SECONDS = 900;

  // Email verification: what an unverified address keeps a user from, how long a mailed link or code works and how
  // many guesses a code allows; verification mails per address and per account per window, and per client.
  @IsIn(EMAIL_POLICIES)
  REQUIRE_VERIFIED_EMAIL: EmailPolicy = 'off';

  @IntRange(300, 30 * 24 * 3600)
  EMAIL_VERIFICATION_TTL_SECONDS = 86400;

  @IntRange(1, 20)
  EMAIL_VERIFICATION_CODE_TRIES = 5;

  @IntRange(1)
  EMAIL_VERIFICATION_MAIL_LIMIT = 3;

  @IntRange(1)
  EMAIL_VERIFICATION_ACCOUNT_LIMIT = 5;

  @IntRange(60, 7 * 24 * 3600)
  EMAIL_VERIFICATION_MAIL_WINDOW_SECONDS = 3600;

  @IntRange(1)
  THROTTLE_EMAIL_VERIFICATION_LIMIT = 10;

  // Mail (password reset links). Outside production an unset SMTP_URL starts the embedded SMTP sink.
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsString()
  @MinLength(3)
  MAIL_FROM = 'Lingo <no-reply@localhost>';

  @IntRange(1000, 120000)
  MAIL_TIMEOUT_MS = 10000;

  // Where the frontend runs: links point at APP_URL/reset-password and APP_URL/verify-email.
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  APP_URL = 'http://localhost:5173';

  /** What a verified `user.deleted` webhook does: delete the app account everywhere, or only flag it. */
  @IsEnum(['delete', 'flag'])
  STREAM_WEBHOOK_USER_DELETED: 'delete' | 'flag' = 'flag';

  @IntRange(60, 30 * 24 * 3600)
  STREAM_WEBHOOK_DEDUPE_TTL_SECONDS = 86400;

  // A webhook call whose event (created_at) is older is refused. Stream gives up on a call within 15 s of its
  // first attempt; the hour covers clock skew and Stream's own queueing, and is no replay window: a call is
  // remembered (dropped if seen again) at least until it is this old.
  @IntRange(60, 30 * 24 * 3600)
  STREAM_WEBHOOK_MAX_AGE_SECONDS = 3600;

  // Live notifications (friend requests, blocks) through Stream: how long one may take before it is given up.
  @IntRange(50, 30000)
  NOTIFY_TIMEOUT_MS = 1000;

  // The longest timed ban a moderator may give; longer means permanent (no duration).
  @IntRange(1, 3650)
  MODERATION_BAN_MAX_DAYS = 365;

  @IntRange(1, 1000)
  EXPORT_DAILY_LIMIT = 3;

  @IntRange(0, 60000)
  EXPORT_STREAM_WAIT_MS = 10000;
  // How long the API (at start) and the CLI (before anything else) wait for MongoDB to answer.
  @IntRange(100, 120000)
  MONGODB_CONNECT_TIMEOUT_MS = 5000;

  @IntRange(1, 10000)
  MIGRATE_BATCH_SIZE = 500;

  // A built frontend (the Express app's `frontend/dist`) served at / with SPA fallback; unset = API only.
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  FRONTEND_DIST?: string;
  // Running as a fleet: logs, metrics, shared limits, probes and shutdown (docs/operations.md).

  /** Unset: info in production, debug elsewhere. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL?: LogLevel;

  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  /** When set, rate-limit counters live in Redis and every instance shares them; unset, process memory. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @Matches(/^[\w:.-]{0,64}$/, {
    message: 'REDIS_KEY_PREFIX may hold letters, digits and _ : . - (at most 64)',
  })
  REDIS_KEY_PREFIX = 'lingo:';

  @IntRange(50, 60_000)
  REDIS_TIMEOUT_MS = 1000;

  @IntRange(0, 600_000)
  HEALTH_STREAM_CACHE_MS = 10_000;

  @IntRange(0, 3_600_000)
  HEALTH_INDEXES_CACHE_MS = 60_000;

  /** Unset: 5000 in production (requests already sent are accepted and answered), 0 elsewhere. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IntRange(0, 60_000)
  SHUTDOWN_DRAIN_MS?: number;

  // Above the idle timeout of whatever keeps connections open to the API (nginx's upstream keepalive_timeout).
  @IntRange(1000, 600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 5000;

  @IntRange(0, 600_000)
  SHUTDOWN_GRACE_MS = 10_000;

  // Deadlines on MongoDB: server selection, connecting, waiting for a pooled connection, waiting for a reply and
  // Mongoose's buffering all give up after MONGODB_TIMEOUT_MS, so a stalled or lost server is a quick 503;
  // MONGODB_MAX_TIME_MS is the server-side limit on each query (maxTimeMS), below the socket deadline so a slow
  // query ends there first.
  @IntRange(100, 60000)
  MONGODB_TIMEOUT_MS = 700;

  @IntRange(50, 60000)
  MONGODB_MAX_TIME_MS = 500;

  @IntRange(100, 30000)
  HEALTH_CHECK_TIMEOUT_MS = 1000;

  @IntRange(2, 1000)
  BODY_MAX_DEPTH = 32;

  @IntRange(1, 100000)
  BODY_MAX_ARRAY_LENGTH = 1000;

  // Sign-in with OpenID Connect providers: their names; each is configured by OIDC_<NAME>_ISSUER, _CLIENT_ID,
  // _CLIENT_SECRET and _SCOPES, which validateEnv parses into `oidcProviders` (oidc-providers.ts).
  @Matches(/^[\w\s,]*$/, { message: 'OIDC_PROVIDERS must be a comma-separated list of provider names' })
  OIDC_PROVIDERS = '';

  // Where browsers reach this API (https://api.example.com): sign-in callbacks are <API_PUBLIC_URL>/api/auth/oidc/...
  // Unset outside production: taken from each request's Host.
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  API_PUBLIC_URL?: string;

  @IntRange(60, 3600)
  OIDC_FLOW_TTL_SECONDS = 600;

  @IntRange(1, 120)
  OIDC_TIMEOUT_SECONDS = 10;

  @IntRange(100)
  OIDC_DISCOVERY_RETRY_BASE_MS = 1000;

  @IntRange(1000)
  OIDC_DISCOVERY_RETRY_MAX_MS = 300_000;

  // Passkeys (WebAuthn): the relying party (RP id unset: APP_URL's host name), how long a ceremony may take.
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(RP_ID, { message: 'WEBAUTHN_RP_ID must be a host name (example.com): no scheme, port or path' })
  WEBAUTHN_RP_ID?: string;
  @MinLength(1)
  WEBAUTHN_RP_NAME = 'Lingo';
  @IntRange(30, 3600)
  WEBAUTHN_CHALLENGE_TTL_SECONDS = 300;

  /** Not a variable: the providers validateEnv parsed from OIDC_PROVIDERS and their OIDC_<NAME>_* variables. */
  declare oidcProviders: OidcProviderSettings[];
}

export type EnvName = keyof EnvironmentVariables;
