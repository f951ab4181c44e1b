import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ExternalIdentitiesModule } from '../external-identities/external-identities.module';
import { IdentityModule } from '../identity/identity.module';
import { MailModule } from '../mail/mail.module';
import { PasskeysModule } from '../passkeys/passkeys.module';
import { SecondFactorsModule } from '../second-factors/second-factors.module';
import { UsersModule } from '../users/users.module';
import { VerificationModule } from '../verification/verification.module';
import { authSchemas } from './auth-schemas';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { EmailAddressController } from './email-address.controller';
import { EmailAddressService } from './email-address.service';
import { PasswordResetService } from './password-reset.service';
import { PasswordController } from './password.controller';
import { SecondFactorController } from './second-factor.controller';
import { SecondFactorService } from './second-factor.service';
import { SessionsController } from './sessions.controller';

/**
 * The account flows, on top of everything: signup, login, logout, onboarding, passwords, the email address
 * (verification and change), the sessions API and second factors (TOTP, recovery codes, the sign-in challenge).
 * They start and end sessions through the identity core and write accounts through accounts/ (so Stream sees it).
 */
@Module({
  imports: [
    UsersModule,
    AccountsModule,
    IdentityModule,
    VerificationModule,
    ExternalIdentitiesModule,
    MailModule,
    SecondFactorsModule,
    PasskeysModule,
    authSchemas(),
  ],
  controllers: [
    AuthController,
    SessionsController,
    PasswordController,
    EmailAddressController,
    SecondFactorController,
  ],
  providers: [AuthService, PasswordResetService, EmailAddressService, SecondFactorService],
})
export class AuthModule {}
