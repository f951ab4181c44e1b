import { Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ThrottlerModule, ThrottlerOptions } from '@nestjs/throttler';
import { throttleConfig } from '../config/configuration';
import { AuthThrottlerName } from './throttled-as.decorator';
import { throttlerStorage } from './throttler-storage';

/**
 * Per-client limits on the routes that cost a bcrypt compare or send mail (AuthThrottlerGuard, applied per route,
 * each route naming the one limit it counts against with @ThrottledAs). One registration, so those routes and
 * AttemptLimiter's per-account counts share one storage. Redis with REDIS_URL, so that every instance counts
 * together.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [throttleConfig.KEY],
      useFactory: (config: ConfigType<typeof throttleConfig>) => ({
        throttlers: [
          // Keyed by client only (not by route): login, DELETE /api/users/me and the password and email changes,
          // each a password guess, share one count.
          {
            name: 'login',
            ttl: config.ttlMs,
            limit: config.loginLimit,
            generateKey: (_ctx, client) => `login:${client}`,
          },
          { name: 'signup', ttl: config.ttlMs, limit: config.signupLimit },
          { name: 'password-reset', ttl: config.ttlMs, limit: config.passwordResetLimit },
          { name: 'email-verification', ttl: config.ttlMs, limit: config.emailVerificationLimit },
        ] satisfies (ThrottlerOptions & { name: AuthThrottlerName })[],
        storage: throttlerStorage(config),
      }),
    }),
  ],
  exports: [ThrottlerModule],
})
export class AuthThrottleModule {}
