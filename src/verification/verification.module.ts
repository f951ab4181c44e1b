import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { EmailVerificationsService } from './email-verifications.service';
import { verificationSchemas } from './verification-schemas';

/**
 * An identity store: the mailed links and codes that prove a user holds an email address (`email_verifications`).
 * The flows that send and spend them (routes, mail) are in auth/; the verified state itself is the user's.
 */
@Module({
  // Identity: AttemptLimiter counts a code's tries on the throttler's storage.
  imports: [IdentityModule, verificationSchemas()],
  providers: [EmailVerificationsService],
  exports: [EmailVerificationsService],
})
export class VerificationModule {}
