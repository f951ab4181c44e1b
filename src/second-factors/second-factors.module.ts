import { Module } from '@nestjs/common';
import { PendingSignInsService } from './pending-sign-ins.service';
import { SecondFactorsService } from './second-factors.service';
import { secondFactorsSchemas } from './second-factors-schemas';

/**
 * An identity store: second factors (`second_factors`: TOTP, recovery codes) and the sign-ins waiting for one
 * (`mfa_pending_sign_ins`). The flows that enroll, check and remove them are in auth/; the session start that
 * asks for them is in accounts/.
 */
@Module({
  imports: [secondFactorsSchemas()],
  providers: [SecondFactorsService, PendingSignInsService],
  exports: [SecondFactorsService, PendingSignInsService],
})
export class SecondFactorsModule {}
