import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ThrottlerStorage } from '@nestjs/throttler';
import { hashSecret } from '../common/secrets';
import { TooManyRequestsException } from '../common/too-many-requests';
import { throttleConfig } from '../config/configuration';

/** Keys carry a hash, not the email: a shared store (Redis) then holds no personal data. */
const keyOf = (kind: string, subject: string): string => `${kind}:${hashSecret(subject)}`;

const PROBE_HIT_TTL_MS = 1000;

/**
 * A sign-in attempt as the login limits see it: the account's email, the client's address, and a stamp of the
 * account's password (UsersService.findLogin), so that setting a new password (a reset or a change) starts
 * every count of the account afresh: the owner always has a way back in.
 */
export interface LoginAttempt {
  email: string;
  client: string;
  passwordStamp: string;
}

const loginKeys = ({ email, client, passwordStamp }: LoginAttempt) => {
  const account = `${email}\n${passwordStamp}`;
  const fromClient = `${account}\n${client}`;
  return {
    clientFailures: keyOf('login-failures', fromClient),
    clientLock: keyOf('login-lock', fromClient),
    accountFailures: keyOf('login-failures', account),
    accountLock: keyOf('login-lock', account),
  };
};

/** A lock's window and the throttler name its records carry. */
interface LockKind {
  windowMs: number;
  name: string;
}

/** One count against a limit: whether it was past the limit, and until when (seconds). */
interface Hit {
  blocked: boolean;
  retryAfterSeconds: number;
}

/**
 * Limits keyed by account, address or code rather than by client address, on the throttler's own storage (what
 * the per-client limits use, so a shared store makes them cluster-wide). A limit ends with its window: nobody,
 * attacker included, can lock an account for longer than that, and failed logins lock out the client that made
 * them before they lock the account. Every 429 carries its wait (Retry-After).
 */
@Injectable()
export class AttemptLimiter {
  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
    @Inject(throttleConfig.KEY) private readonly config: ConfigType<typeof throttleConfig>,
  ) {}

  /**
   * Refuses (429) while this client is locked out of the account, or the whole account is, before any password
   * is checked, so a correct guess during a lock learns nothing. The probes' own limit can never be reached: they
   * only report a lock.
   */
  async assertLoginAllowed(attempt: LoginAttempt): Promise<void> {
    const keys = loginKeys(attempt);
    const [client, account] = await Promise.all([
      this.probeLock(keys.clientLock),
      this.probeLock(keys.accountLock),
    ]);
    const lock = client.blocked ? client : account;
    if (lock.blocked) {
      throw new TooManyRequestsException(
        client.blocked
          ? 'Too many failed sign-in attempts for this account from your address'
          : 'Too many failed sign-in attempts for this account',
        lock.retryAfterSeconds,
        'or reset your password to sign in now',
      );
    }
  }

  /**
   * Counts a wrong password twice: for this client on this account (THROTTLE_ACCOUNT_LOGIN_LIMIT), so one client
   * locks only itself out, and for the account from every client (THROTTLE_ACCOUNT_LOGIN_CEILING), which only a
   * distributed attack reaches. Either lock lasts one THROTTLE_ACCOUNT_TTL_SECONDS window.
   */
  async recordLoginFailure(attempt: LoginAttempt): Promise<void> {
    const keys = loginKeys(attempt);
    await Promise.all([
      this.countFailure(keys.clientFailures, keys.clientLock, this.config.accountLoginLimit),
      this.countFailure(keys.accountFailures, keys.accountLock, this.config.accountLoginCeiling),
    ]);
  }

  /** The same for second-factor codes (TOTP, recovery, passkey) of this account, on every route that checks one. */
  async assertSecondFactorAllowed(userId: string): Promise<void> {
    const probe = await this.probeLock(keyOf('mfa-lock', userId), this.mfaLock());
    if (probe.blocked) {
      throw new TooManyRequestsException('Too many wrong codes for this account', probe.retryAfterSeconds);
    }
  }

  /** Counts a wrong code; past MFA_CODE_LIMIT within MFA_CODE_WINDOW_SECONDS the account's codes lock for one window. */
  recordSecondFactorFailure(userId: string): Promise<void> {
    const { mfaCodeLimit } = this.config;
    return this.countFailure(
      keyOf('mfa-failures', userId),
      keyOf('mfa-lock', userId),
      mfaCodeLimit,
      this.mfaLock(),
    );
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

  /** The probe's own hits expire at once (1 s), so a lock's record stays small however often it is probed. */
  private probeLock(lockKey: string, { windowMs, name }: LockKind = this.loginLock()): Promise<Hit> {
    return this.hit(lockKey, Number.MAX_SAFE_INTEGER, windowMs, name, PROBE_HIT_TTL_MS);
  }

  /** Counts a failure; at `limit` within the window, `lockKey` locks for one window. */
  private async countFailure(
    failuresKey: string,
    lockKey: string,
    limit: number,
    { windowMs, name }: LockKind = this.loginLock(),
  ): Promise<void> {
    const failures = await this.storage.increment(failuresKey, windowMs, limit, windowMs, name);
    if (failures.totalHits < limit) return;
    // A limit of 0 blocks at once, for one window.
    await this.storage.increment(lockKey, windowMs, 0, windowMs, name);
  }

  private loginLock(): LockKind {
    return { windowMs: this.config.accountTtlMs, name: 'login-account' };
  }

  private mfaLock(): LockKind {
    return { windowMs: this.config.mfaCodeWindowMs, name: 'mfa-account' };
  }

  private countVerificationMail(address: string): Promise<Hit> {
    return this.hit(
      keyOf('verification-mail', address),
      this.config.verificationMailLimit,
      this.config.verificationWindowMs,
      'verification-mail',
    );
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
