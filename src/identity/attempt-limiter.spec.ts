import { HttpException } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { AttemptLimiter } from './attempt-limiter';

describe('AttemptLimiter', () => {
  const config = { accountTtlMs: 60_000, accountLoginLimit: 3, ttlMs: 60_000, resetEmailLimit: 2 };
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

  it('locks an account after the limit of failed passwords, whatever the next password', async () => {
    for (let i = 0; i < 2; i++) {
      expect(await status(limiter.assertLoginAllowed('ana@example.com'))).toBe('allowed');
      await limiter.recordLoginFailure('ana@example.com');
    }
    expect(await status(limiter.assertLoginAllowed('ana@example.com'))).toBe('allowed');
    await limiter.recordLoginFailure('ana@example.com');

    expect(await status(limiter.assertLoginAllowed('ana@example.com'))).toBe(429);
    expect(await status(limiter.assertLoginAllowed('bo@example.com'))).toBe('allowed');
  });

  it('does not count checks that were not followed by a failure', async () => {
    for (let i = 0; i < 10; i++) {
      expect(await status(limiter.assertLoginAllowed('ana@example.com'))).toBe('allowed');
    }
  });

  it('limits reset mails per address', async () => {
    expect(await status(limiter.assertResetMailAllowed('ana@example.com'))).toBe('allowed');
    expect(await status(limiter.assertResetMailAllowed('ana@example.com'))).toBe('allowed');
    expect(await status(limiter.assertResetMailAllowed('ana@example.com'))).toBe(429);
    expect(await status(limiter.assertResetMailAllowed('bo@example.com'))).toBe('allowed');
  });
});
