import { HttpException } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { TooManyRequestsException } from '../common/too-many-requests';
import { AttemptLimiter } from './attempt-limiter';

describe('AttemptLimiter', () => {
  const config = {
    accountTtlMs: 60_000,
    accountLoginLimit: 3,
    accountLoginCeiling: 5,
    ttlMs: 60_000,
    resetEmailLimit: 2,
    verificationMailLimit: 2,
    verificationAccountLimit: 3,
    verificationWindowMs: 3_600_000,
  };
  let storage: ThrottlerStorageService;
  let limiter: AttemptLimiter;

  beforeEach(() => {
    storage = new ThrottlerStorageService();
    limiter = new AttemptLimiter(storage, config as never);
  });
  afterEach(() => storage.onApplicationShutdown());

  const status = (promise: Promise<void>) =>
    promise.then(
      () => 'allowed',
      (e: HttpException) => e.getStatus(),
    );
  const refusal = (promise: Promise<void>) =>
    promise.then(
      () => null,
      (e: TooManyRequestsException) => ({ wait: e.retryAfterSeconds, message: e.message }),
    );

  const from = (client: string, email = 'ana@example.com', passwordStamp = '0') => ({
    email,
    client,
    passwordStamp,
  });

  it('locks out the client that failed too often on an account, and only that client', async () => {
    for (let i = 0; i < 2; i++) {
      expect(await status(limiter.assertLoginAllowed(from('10.0.0.1')))).toBe('allowed');
      await limiter.recordLoginFailure(from('10.0.0.1'));
    }
    expect(await status(limiter.assertLoginAllowed(from('10.0.0.1')))).toBe('allowed');
    await limiter.recordLoginFailure(from('10.0.0.1'));

    expect(await refusal(limiter.assertLoginAllowed(from('10.0.0.1')))).toEqual({
      wait: 60,
      message:
        'Too many failed sign-in attempts for this account from your address: try again in 60 seconds, ' +
        'or reset your password to sign in now',
    });
    expect(await status(limiter.assertLoginAllowed(from('10.0.0.2')))).toBe('allowed');
    expect(await status(limiter.assertLoginAllowed(from('10.0.0.1', 'bo@example.com')))).toBe('allowed');
  });

  it('locks the whole account at the ceiling, which only many clients together reach', async () => {
    for (const client of ['10.0.0.1', '10.0.0.2']) {
      for (let i = 0; i < 2; i++) await limiter.recordLoginFailure(from(client));
    }
    expect(await status(limiter.assertLoginAllowed(from('10.0.0.3')))).toBe('allowed');
    await limiter.recordLoginFailure(from('10.0.0.3'));

    expect(await refusal(limiter.assertLoginAllowed(from('10.0.0.4')))).toEqual({
      wait: 60,
      message:
        'Too many failed sign-in attempts for this account: try again in 60 seconds, ' +
        'or reset your password to sign in now',
    });
    // A new password (a new stamp) starts every count afresh.
    expect(await status(limiter.assertLoginAllowed(from('10.0.0.4', 'ana@example.com', '1')))).toBe(
      'allowed',
    );
  });

  it('does not count checks that were not followed by a failure', async () => {
    for (let i = 0; i < 10; i++) {
      expect(await status(limiter.assertLoginAllowed(from('10.0.0.1')))).toBe('allowed');
    }
  });

  it('limits reset mails per address', async () => {
    expect(await status(limiter.assertResetMailAllowed('ana@example.com'))).toBe('allowed');
    expect(await status(limiter.assertResetMailAllowed('ana@example.com'))).toBe('allowed');
    expect(await status(limiter.assertResetMailAllowed('ana@example.com'))).toBe(429);
    expect(await status(limiter.assertResetMailAllowed('bo@example.com'))).toBe('allowed');
  });

  it('limits verification mails per address and per account, with the longer wait', async () => {
    await limiter.assertVerificationMailAllowed('ana@example.com', 'u1');
    await limiter.assertVerificationMailAllowed('ana@example.com', 'u1');
    expect(await refusal(limiter.assertVerificationMailAllowed('ana@example.com', 'u1'))).toEqual({
      wait: 3600,
      message: 'Too many verification mails for this address or account: try again in 60 minutes',
    });
    // The account's third mail was counted above: a fourth, to a fresh address, is past its limit of 3.
    expect(await status(limiter.assertVerificationMailAllowed('new@example.com', 'u1'))).toBe(429);
    expect(await status(limiter.assertVerificationMailAllowed('new@example.com', 'u2'))).toBe('allowed');
  });

  it('skips a quiet verification mail past the address limit', async () => {
    expect(await limiter.takeVerificationMail('bo@example.com')).toBe(true);
    expect(await limiter.takeVerificationMail('bo@example.com')).toBe(true);
    expect(await limiter.takeVerificationMail('bo@example.com')).toBe(false);
    expect(await status(limiter.assertVerificationMailAllowed('bo@example.com'))).toBe(429);
  });

  it('allows a code exactly its tries, each code on its own count', async () => {
    const tries = await Promise.all(
      Array.from({ length: 8 }, () => limiter.takeCodeTry('link-a', 5, 60_000)),
    );
    expect(tries.filter(Boolean)).toHaveLength(5);
    expect(await limiter.takeCodeTry('link-b', 5, 60_000)).toBe(true);
  });
});
