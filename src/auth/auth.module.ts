import { Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import { AccountsModule } from '../accounts/accounts.module';
import { authConfig } from '../config/configuration';
import { UsersModule } from '../users/users.module';
import { MailModule } from '../mail/mail.module';
import { AttemptLimiter } from './attempt-limiter';
import { authSchemas } from './auth-schemas';
import { AuthThrottleModule } from './auth-throttle.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtStrategy } from './jwt.strategy';
import { PasswordResetService } from './password-reset.service';
import { PasswordController } from './password.controller';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

@Module({
  imports: [
    UsersModule,
    AccountsModule,
    MailModule,
    authSchemas(),
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
  controllers: [AuthController, SessionsController, PasswordController],
  providers: [AuthService, JwtStrategy, SessionsService, PasswordResetService, AttemptLimiter],
  // For the data export: the sessions collection stays queried by SessionsService alone.
  exports: [SessionsService],
})
export class AuthModule {}
