import { MongooseModule } from '@nestjs/mongoose';
import { EmailVerification, EmailVerificationSchema } from './schemas/email-verification.schema';

/**
 * The collection verification owns (EmailVerificationsService is the only code that queries it). The CLI
 * registers it too, so `indexes` checks and builds its indexes like every other collection's.
 */
export const verificationSchemas = () =>
  MongooseModule.forFeature([{ name: EmailVerification.name, schema: EmailVerificationSchema }]);
