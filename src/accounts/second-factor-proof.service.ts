import { BadRequestException, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { mailConfig } from '../config/configuration';
import { AttemptLimiter } from '../identity/attempt-limiter';
import { compose } from '../mail/compose';
import { MailService } from '../mail/mail.service';
import { PasskeyRefused } from '../passkeys/passkey-refused';
import type { AuthenticationResponseJSON } from '../passkeys/webauthn.service';
import { WebAuthnService } from '../passkeys/webauthn.service';
import { SecondFactorsService } from '../second-factors/second-factors.service';
import { UsersService } from '../users/users.service';
import type { SecondFactorProofDto } from './dto/second-factor-proof.dto';

const INVALID_CODE = 'Invalid code';

/**
 * Checks a current second factor of a user (a TOTP code, a recovery code, a passkey's assertion), for every flow
 * that asks for one: the sign-in challenge, removing a factor, new recovery codes. Every proof checked counts
 * against one per-account limit (MFA_CODE_LIMIT per MFA_CODE_WINDOW_SECONDS).
 */
@Injectable()
export class SecondFactorProofService {
  private readonly logger = new Logger(SecondFactorProofService.name);

  constructor(
    private readonly factors: SecondFactorsService,
    private readonly webauthn: WebAuthnService,
    private readonly limiter: AttemptLimiter,
    private readonly users: UsersService,
    private readonly mail: MailService,
    @Inject(mailConfig.KEY) private readonly mailer: ConfigType<typeof mailConfig>,
  ) {}

  /** Exactly one proof, right for the user, within the per-account limit; 400 for none or two, 401 when wrong. */
  async check(userId: string, proof: SecondFactorProofDto): Promise<void> {
    const given = [proof.code, proof.recoveryCode, proof.webauthn].filter((p) => p !== undefined);
    if (given.length !== 1) throw new BadRequestException('Send one of code, recoveryCode or webauthn');
    await this.limiter.assertSecondFactorAllowed(userId);
    if (proof.webauthn !== undefined) return this.checkPasskey(userId, proof.webauthn);
    if (proof.code !== undefined) {
      if (!(await this.factors.checkTotp(userId, proof.code))) await this.refuse(userId);
      return;
    }
    const remaining = await this.factors.useRecoveryCode(userId, proof.recoveryCode ?? '');
    if (remaining === null) await this.refuse(userId);
    else void this.recoveryCodeUsed(userId, remaining);
  }

  /** Counts a wrong proof against the user's limit, then refuses it (401). */
  async refuse(userId: string, message = INVALID_CODE): Promise<never> {
    await this.limiter.recordSecondFactorFailure(userId);
    throw new UnauthorizedException(message);
  }

  /** An assertion to a challenge issued to the user, by one of their passkeys; the refusal says why. */
  private async checkPasskey(userId: string, assertion: AuthenticationResponseJSON): Promise<void> {
    try {
      await this.webauthn.authenticate(assertion, userId);
    } catch (error) {
      if (!(error instanceof PasskeyRefused)) throw error;
      this.logger.warn(`user ${userId}: passkey as a second factor refused (${error.refusal})`);
      await this.refuse(userId, error.message);
    }
  }

  /** Logged and mailed (never the code): a recovery code used by someone else is how a takeover shows. */
  private async recoveryCodeUsed(userId: string, remaining: number): Promise<void> {
    this.logger.log(`user ${userId} used a recovery code (${remaining} left)`);
    try {
      const { email } = await this.users.findOrFail(userId);
      await this.mail.send(
        compose(email, 'A recovery code was used to sign in', [
          `One of your recovery codes was just used to sign in to your account; ${remaining} unused codes remain.`,
          `If it was not you, your password and a recovery code are in someone else's hands: sign in at ` +
            `${this.mailer.appUrl}, change your password, end your other sessions and make new recovery codes.`,
        ]),
      );
    } catch (error) {
      this.logger.error(`recovery code notice not sent to user ${userId}: ${(error as Error).message}`);
    }
  }
}
