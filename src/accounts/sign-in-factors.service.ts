import { Injectable } from '@nestjs/common';
import { PasskeysService } from '../passkeys/passkeys.service';
import type { FactorKind } from '../second-factors/second-factor.view';
import { SecondFactorsService } from '../second-factors/second-factors.service';

/**
 * Which second factors a user can finish a sign-in with, across every store that holds one: the one question
 * SessionStartService asks. A passkey counts (`webauthn`): it proves possession, with the user verified.
 */
@Injectable()
export class SignInFactorsService {
  constructor(
    private readonly secondFactors: SecondFactorsService,
    private readonly passkeys: PasskeysService,
  ) {}

  async factorsOf(userId: string): Promise<FactorKind[]> {
    const [codes, passkeys] = await Promise.all([
      this.secondFactors.factorsOf(userId),
      this.passkeys.countOf(userId),
    ]);
    return passkeys > 0 ? [...codes, 'webauthn'] : codes;
  }
}
