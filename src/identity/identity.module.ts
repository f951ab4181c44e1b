import { Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { authConfig } from '../config/configuration';
import { AttemptLimiter } from './attempt-limiter';
import { AuthThrottleModule } from './auth-throttle.module';
import { identitySchemas } from './identity-schemas';
import { JwtStrategy } from './jwt.strategy';
import { SessionTokens } from './session-tokens.service';
import { SessionsService } from './sessions.service';

/**
 * The identity core every protected route stands on: the Passport JWT strategy behind JwtAuthGuard, the
 * principal (`@CurrentUser()`), the session cookie, the sessions, and the limits on password guesses. It imports
 * no feature: only config, common and its own collections. Every feature that protects a route imports it.
 */
@Module({
  imports: [
    identitySchemas(),
    PassportModule,
    JwtModule.registerAsync({
      inject: [authConfig.KEY],
      useFactory: (config: ConfigType<typeof authConfig>) => ({
        secretOrKeyProvider: () => config.jwtKey,
        signOptions: { algorithm: 'HS256', expiresIn: config.jwtExpiresInSeconds },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    AuthThrottleModule,
  ],
  providers: [JwtStrategy, SessionsService, SessionTokens, AttemptLimiter],
  exports: [SessionsService, SessionTokens, AttemptLimiter, AuthThrottleModule],
})
export class IdentityModule {}
