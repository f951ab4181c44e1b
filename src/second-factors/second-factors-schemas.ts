import { MongooseModule } from '@nestjs/mongoose';
import { PendingSignIn, PendingSignInSchema } from './schemas/pending-sign-in.schema';
import { SecondFactor, SecondFactorSchema } from './schemas/second-factor.schema';

/**
 * The collections second-factors owns (SecondFactorsService and PendingSignInsService are the only code that
 * queries them). The CLI registers them too, so `indexes` checks and builds their indexes.
 */
export const secondFactorsSchemas = () =>
  MongooseModule.forFeature([
    { name: SecondFactor.name, schema: SecondFactorSchema },
    { name: PendingSignIn.name, schema: PendingSignInSchema },
  ]);
