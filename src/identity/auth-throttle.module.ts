import { Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { throttleConfig } from '../config/configuration';
import { throttlerStorage } from './throttler-storage';

/**
 * Per-client limits on the routes that cost a bcrypt compare or send mail (AuthThrottlerGuard, applied per route:
 * signup, login and the password routes in auth, DELETE /api/users/me in accounts; each skips the others' names).
 * One registration, so those routes and AttemptLimiter's per-account counts share one storage.
 * Redis with REDIS_URL, so that every instance counts together.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [throttleConfig.KEY],
      useFactory: (config: ConfigType<typeof throttleConfig>) => ({
        throttlers: [
          // Keyed by client only (not by route): login, DELETE /api/users/me and the password change, each a
          // password guess, share one count.
          {
            name: 'login',
            ttl: config.ttlMs,
            limit: config.loginLimit,
            generateKey: (_ctx, client) => `login:${client}`,
          },
          { name: 'signup', ttl: config.ttlMs, limit: config.signupLimit },
          { name: 'password-reset', ttl: config.ttlMs, limit: config.passwordResetLimit },
        ],
        storage: throttlerStorage(config),
      }),
    }),
  ],
  exports: [ThrottlerModule],
})
export class AuthThrottleModule {}
