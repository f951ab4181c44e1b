import { Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { throttleConfig } from '../config/configuration';

/**
 * Per-client limits on the routes that cost a bcrypt compare (AuthThrottlerGuard, applied per route: signup and
 * login in auth, DELETE /api/users/me in accounts). One registration, so those routes share one storage.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [throttleConfig.KEY],
      useFactory: (config: ConfigType<typeof throttleConfig>) => [
        { name: 'login', ttl: config.ttlMs, limit: config.loginLimit },
        { name: 'signup', ttl: config.ttlMs, limit: config.signupLimit },
      ],
    }),
  ],
  exports: [ThrottlerModule],
})
export class AuthThrottleModule {}
