import { MongooseModule } from '@nestjs/mongoose';
import { PasswordReset, PasswordResetSchema } from './schemas/password-reset.schema';

/**
 * The collections auth owns (PasswordResetService is the only code that queries them). The CLI registers them
 * too, without the rest of auth, so `indexes` checks and builds their indexes like every other collection's.
 */
export const authSchemas = () =>
  MongooseModule.forFeature([{ name: PasswordReset.name, schema: PasswordResetSchema }]);
