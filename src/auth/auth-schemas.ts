import { MongooseModule } from '@nestjs/mongoose';
import { PasswordReset, PasswordResetSchema } from './schemas/password-reset.schema';
import { Session, SessionSchema } from './schemas/session.schema';

/**
 * The collections auth owns (SessionsService and PasswordResetService are the only code that queries them).
 * The CLI registers them too, without the rest of auth, so `indexes` checks and builds their indexes (the
 * sessions TTL) like every other collection's.
 */
export const authSchemas = () =>
  MongooseModule.forFeature([
    { name: Session.name, schema: SessionSchema },
    { name: PasswordReset.name, schema: PasswordResetSchema },
  ]);
