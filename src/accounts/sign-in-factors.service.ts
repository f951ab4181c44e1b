import { Injectable } from '@nestjs/common';
import type { FactorKind } from '../second-factors/second-factor.view';
import { SecondFactorsService } from '../second-factors/second-factors.service';

/**
 * Which second factors a user can finish a sign-in with, across every store that holds one: the one question
 * SessionStartService asks. A new kind of factor (passkeys) adds its store here.
 */
@Injectable()
export class SignInFactorsService {
  constructor(private readonly secondFactors: SecondFactorsService) {}

  async factorsOf(userId: string): Promise<FactorKind[]> {
    return this.secondFactors.factorsOf(userId);
  }
}
