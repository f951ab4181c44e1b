import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ThrottlerStorage } from '@nestjs/throttler';
import { hashSecret } from '../common/secrets';
import { TooManyRequestsException } from '../common/too-many-requests';
import { throttleConfig } from '../config/configuration';

/** Keys carry a hash, not the email: a shared store (Redis) then holds no personal data. */
const keyOf = (kind: string, subject: string): string => `${kind}:${hashSecret(subject)}`;

const PROBE_HIT_TTL_MS = 1000;

/** The per-account locks: failed passwords, wrong second-factor codes. */
type AccountLock = 'login' | 'mfa';

/** One count against a limit: whether it was past the limit, and until when (seconds). */
interface Hit {
  blocked: boolean;
  retryAfterSeconds: number;
}

/**
 * Limits keyed by account, address or code rather than by client address, on the throttler's own storage (what
 * the per-client limits use, so a shared store makes them cluster-wide). A limit ends with its window: nobody,
 * attacker included, can lock an account for longer than that. Every 429 carries its wait (Retry-After).
 */
@Injectable()
export class AttemptLimiter {
  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
    @Inject(throttleConfig.KEY) private readonly config: ConfigType<typeof throttleConfig>,
  ) {}

  /** Refuses (429) while the account is locked by failed passwords, before any password is checked. */
  assertLoginAllowed(email: string): Promise<void> {
    return this.assertUnlocked('login', email);
  }

  /** Counts a wrong password; past THROTTLE_ACCOUNT_LOGIN_LIMIT within THROTTLE_ACCOUNT_TTL_SECONDS the account locks for one window. */
  recordLoginFailure(email: string): Promise<void> {
    return this.recordFailure('login', email);
  }

  /** The same for second-factor codes (TOTP or recovery) of this account, on every route that checks one. */
  assertSecondFactorAllowed(userId: string): Promise<void> {
    return this.assertUnlocked('mfa', userId);
  }

  /** Counts a wrong code; past MFA_CODE_LIMIT within MFA_CODE_WINDOW_SECONDS the account's codes lock for one window. */
  recordSecondFactorFailure(userId: string): Promise<void> {
    return this.recordFailure('mfa', userId);
  }

  /** Password-reset mails per address, whoever asks: a 429 here says nothing about whether the account exists. */
  async assertResetMailAllowed(email: string): Promise<void> {
    const hit = await this.hit(
      keyOf('reset-mail', email),
      this.config.resetEmailLimit,
      this.config.ttlMs,
      'reset-email',
    );
    if (hit.blocked) {
      throw new TooManyRequestsException('Too many reset requests for this email', hit.retryAfterSeconds);
    }
  }

  /**
   * Counts a verification mail (code, link or notice) to this address, and for this account when one asks:
   * EMAIL_VERIFICATION_MAIL_LIMIT per address and EMAIL_VERIFICATION_ACCOUNT_LIMIT per account per window. A 429
   * for an address says nothing about whether it has an account: every address is counted alike.
   */
  async assertVerificationMailAllowed(address: string, userId?: string): Promise<void> {
    const hits = [await this.countVerificationMail(address)];
    if (userId) {
      hits.push(
        await this.hit(
          keyOf('verification-account', userId),
          this.config.verificationAccountLimit,
          this.config.verificationWindowMs,
          'verification-mail',
        ),
      );
    }
    const blocked = hits.filter((h) => h.blocked);
    if (blocked.length > 0) {
      throw new TooManyRequestsException(
        'Too many verification mails for this address or account',
        Math.max(...blocked.map((h) => h.retryAfterSeconds)),
      );
    }
  }

  /** The same count, for a mail nobody waits for (signup's): false past the limit, and the mail is skipped. */
  async takeVerificationMail(address: string): Promise<boolean> {
    return !(await this.countVerificationMail(address)).blocked;
  }

  /**
   * Takes one of a code's `tries` (keyed by its link's hash, so a new code starts afresh): false once they are
   * spent. Counted before the code is compared, atomically, so parallel guesses cannot exceed them.
   */
  async takeCodeTry(linkHash: string, tries: number, lifetimeMs: number): Promise<boolean> {
    const ttl = Math.max(1000, lifetimeMs);
    return !(await this.hit(keyOf('code-tries', linkHash), tries, ttl, 'verification-code')).blocked;
  }

  private countVerificationMail(address: string): Promise<Hit> {
    return this.hit(
      keyOf('verification-mail', address),
      this.config.verificationMailLimit,
      this.config.verificationWindowMs,
      'verification-mail',
    );
  }

  private lock(kind: AccountLock) {
    const c = this.config;
    return kind === 'login'
      ? {
          limit: c.accountLoginLimit,
          windowMs: c.accountTtlMs,
          name: 'login-account',
          what: 'Too many failed sign-in attempts for this account',
        }
      : {
          limit: c.mfaCodeLimit,
          windowMs: c.mfaCodeWindowMs,
          name: 'mfa-account',
          what: 'Too many wrong codes for this account',
        };
  }

  /**
   * Refuses (429) while `subject` is locked by failures, before anything is checked, so a right guess during the
   * lock learns nothing. The probe's own limit can never be reached, and its hits expire at once (1 s), so the
   * record stays small however often it is tried: it only reports a lock.
   */
  private async assertUnlocked(kind: AccountLock, subject: string): Promise<void> {
    const { windowMs, name, what } = this.lock(kind);
    const probe = await this.hit(
      keyOf(`${kind}-lock`, subject),
      Number.MAX_SAFE_INTEGER,
      windowMs,
      name,
      PROBE_HIT_TTL_MS,
    );
    if (probe.blocked) throw new TooManyRequestsException(what, probe.retryAfterSeconds);
  }

  /** Counts a failure of `subject`; at the limit within the window, it locks for one window. */
  private async recordFailure(kind: AccountLock, subject: string): Promise<void> {
    const { limit, windowMs, name } = this.lock(kind);
    const failures = await this.storage.increment(
      keyOf(`${kind}-failures`, subject),
      windowMs,
      limit,
      windowMs,
      name,
    );
    if (failures.totalHits < limit) return;
    // A limit of 0 blocks at once, for one window.
    await this.storage.increment(keyOf(`${kind}-lock`, subject), windowMs, 0, windowMs, name);
  }

  /** One hit on `key`: past `limit` within `windowMs`, blocked until the window of the oldest hit ends. */
  private async hit(
    key: string,
    limit: number,
    windowMs: number,
    name: string,
    hitTtlMs = windowMs,
  ): Promise<Hit> {
    const record = await this.storage.increment(key, hitTtlMs, limit, windowMs, name);
    return { blocked: record.isBlocked, retryAfterSeconds: record.timeToBlockExpire };
  }
}
