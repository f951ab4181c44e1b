import { createHash } from 'node:crypto';
import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ThrottlerStorage } from '@nestjs/throttler';
import { throttleConfig } from '../config/configuration';

/** Keys carry a hash, not the email: a shared store (Redis) then holds no personal data. */
const keyOf = (kind: string, subject: string): string =>
  `${kind}:${createHash('sha256').update(subject).digest('hex')}`;

const PROBE_HIT_TTL_MS = 1000;

const tooMany = (message: string): HttpException =>
  new HttpException(
    { statusCode: HttpStatus.TOO_MANY_REQUESTS, message, error: 'Too Many Requests' },
    HttpStatus.TOO_MANY_REQUESTS,
  );

/**
 * Limits keyed by account rather than by client address, on the throttler's own storage (what the per-client
 * limits use, so a shared store makes them cluster-wide). A limit ends with its window: nobody, attacker
 * included, can lock an account for longer than that.
 */
@Injectable()
export class AttemptLimiter {
  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
    @Inject(throttleConfig.KEY) private readonly config: ConfigType<typeof throttleConfig>,
  ) {}

  /**
   * Refuses (429) while the account is locked by failed passwords, before any password is checked, so a correct
   * guess during the lock learns nothing. The probe's own limit can never be reached: it only reports a lock.
   */
  async assertLoginAllowed(email: string): Promise<void> {
    const windowMs = this.config.accountTtlMs;
    // The probe's own hits expire at once (1 s), so an account's record stays small however often it is tried.
    const probe = await this.storage.increment(
      keyOf('login-lock', email),
      PROBE_HIT_TTL_MS,
      Number.MAX_SAFE_INTEGER,
      windowMs,
      'login-account',
    );
    if (probe.isBlocked) {
      throw tooMany('Too many failed sign-in attempts for this account, please try again later');
    }
  }

  /** Counts a wrong password; past THROTTLE_ACCOUNT_LOGIN_LIMIT within THROTTLE_ACCOUNT_TTL_SECONDS the account locks for one window. */
  async recordLoginFailure(email: string): Promise<void> {
    const windowMs = this.config.accountTtlMs;
    const failures = await this.storage.increment(
      keyOf('login-failures', email),
      windowMs,
      this.config.accountLoginLimit,
      windowMs,
      'login-account',
    );
    if (failures.totalHits < this.config.accountLoginLimit) return;
    // A limit of 0 blocks at once, for one window.
    await this.storage.increment(keyOf('login-lock', email), windowMs, 0, windowMs, 'login-account');
  }

  /** Password-reset mails per address, whoever asks: a 429 here says nothing about whether the account exists. */
  async assertResetMailAllowed(email: string): Promise<void> {
    const windowMs = this.config.ttlMs;
    const hits = await this.storage.increment(
      keyOf('reset-mail', email),
      windowMs,
      this.config.resetEmailLimit,
      windowMs,
      'reset-email',
    );
    if (hits.isBlocked) throw tooMany('Too many reset requests for this email, please try again later');
  }
}
