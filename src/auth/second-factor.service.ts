import { BadRequestException, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { toString as qrSvg } from 'qrcode';
import { AccountsService } from '../accounts/accounts.service';
import { SessionStartService } from '../accounts/session-start.service';
import { mailConfig, mfaConfig } from '../config/configuration';
import { AttemptLimiter } from '../identity/attempt-limiter';
import type { Principal } from '../identity/principal';
import { SessionsService } from '../identity/sessions.service';
import { MailService } from '../mail/mail.service';
import { PendingSignInsService } from '../second-factors/pending-sign-ins.service';
import { SecondFactorView } from '../second-factors/second-factor.view';
import { SecondFactorsService, TotpEnrollment } from '../second-factors/second-factors.service';
import { UsersService } from '../users/users.service';
import { AuthService, SignedIn } from './auth.service';
import { SecondFactorProofDto } from './dto/second-factor.dto';
import { recoveryCodeUsedMail } from './mails';

const INVALID_CODE = 'Invalid code';
const NO_PENDING_SIGN_IN =
  'No sign-in is waiting for a second factor (it may have expired): please sign in again';

/**
 * The second-factor flows: enrolling and activating TOTP, recovery codes, removing a factor, and the challenge
 * that finishes a sign-in waiting for one. Every code checked, on whichever route, counts against one per-account
 * limit (MFA_CODE_LIMIT per MFA_CODE_WINDOW_SECONDS).
 */
@Injectable()
export class SecondFactorService {
  private readonly logger = new Logger(SecondFactorService.name);

  constructor(
    private readonly factors: SecondFactorsService,
    private readonly pending: PendingSignInsService,
    private readonly limiter: AttemptLimiter,
    private readonly sessions: SessionsService,
    private readonly sessionStart: SessionStartService,
    private readonly accounts: AccountsService,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly mail: MailService,
    @Inject(mailConfig.KEY) private readonly mailer: ConfigType<typeof mailConfig>,
    @Inject(mfaConfig.KEY) mfa: ConfigType<typeof mfaConfig>,
  ) {
    if (mfa.keysGenerated) {
      this.logger.warn(
        'MFA_ENCRYPTION_KEYS is unset: using a random key, TOTP secrets are unreadable after restart',
      );
    }
  }

  listMine(me: Principal): Promise<SecondFactorView[]> {
    return this.factors.listMine(me.id);
  }

  /** A new TOTP secret (inactive until verified), its otpauth:// URI and that URI as a QR code. */
  async enrollTotp(me: Principal): Promise<TotpEnrollment & { qrCode: string }> {
    const { email } = await this.users.findOrFail(me.id);
    const enrollment = await this.factors.enrollTotp(me.id, email);
    const svg = await qrSvg(enrollment.uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { ...enrollment, qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
  }

  /**
   * Activates the enrolled TOTP with its first code: this session becomes aal2, every other one (aal1) ends with
   * every chat token issued so far, and the recovery codes come back, once.
   */
  async activateTotp(me: Principal, code: string): Promise<string[]> {
    await this.limiter.assertSecondFactorAllowed(me.id);
    const recoveryCodes = await this.factors.activateTotp(me.id, code);
    if (!recoveryCodes) return this.refuse(me.id);
    await this.sessions.raiseToAal2(me.id, me.sessionId);
    await this.sessions.endAll(me.id, me.sessionId);
    await this.accounts.revokeChatTokens(me.id);
    return recoveryCodes;
  }

  /** Finishes a pending sign-in with a second factor: the full (aal2) session. */
  async challenge(
    pendingToken: string | undefined,
    proof: SecondFactorProofDto,
    userAgent?: string,
  ): Promise<SignedIn> {
    const userId = pendingToken ? await this.pending.userOf(pendingToken) : null;
    if (!userId) throw new UnauthorizedException(NO_PENDING_SIGN_IN);
    await this.check(userId, proof);
    // A parallel challenge with another right code may have finished it first: one session per pending sign-in.
    if (!(await this.pending.finish(pendingToken!))) throw new UnauthorizedException(NO_PENDING_SIGN_IN);
    const token = this.auth.startedToken(await this.sessionStart.startVerifiedSession(userId, userAgent));
    this.logger.log(`user ${userId} passed a second factor and signed in`);
    return { kind: 'signed-in', user: await this.users.findOrFail(userId), token };
  }

  /** Removes TOTP (and its recovery codes): a current second factor is asked again. */
  async removeTotp(me: Principal, proof: SecondFactorProofDto): Promise<void> {
    await this.check(me.id, proof);
    await this.factors.removeTotp(me.id);
  }

  /** A new set of recovery codes (the old set stops working): a current second factor is asked again. */
  async regenerateRecoveryCodes(me: Principal, proof: SecondFactorProofDto): Promise<string[]> {
    await this.check(me.id, proof);
    return this.factors.replaceRecoveryCodes(me.id);
  }

  /** A TOTP code or a recovery code of the user, within the per-account limit; 401 when wrong. */
  private async check(userId: string, proof: SecondFactorProofDto): Promise<void> {
    if (proof.code !== undefined && proof.recoveryCode !== undefined) {
      throw new BadRequestException('Send either code or recoveryCode, not both');
    }
    await this.limiter.assertSecondFactorAllowed(userId);
    if (proof.code !== undefined) {
      if (!(await this.factors.checkTotp(userId, proof.code))) await this.refuse(userId);
      return;
    }
    const remaining = await this.factors.useRecoveryCode(userId, proof.recoveryCode ?? '');
    if (remaining === null) await this.refuse(userId);
    else void this.recoveryCodeUsed(userId, remaining);
  }

  private async refuse(userId: string): Promise<never> {
    await this.limiter.recordSecondFactorFailure(userId);
    throw new UnauthorizedException(INVALID_CODE);
  }

  /** Logged and mailed (never the code): a recovery code used by someone else is how a takeover shows. */
  private async recoveryCodeUsed(userId: string, remaining: number): Promise<void> {
    this.logger.log(`user ${userId} used a recovery code (${remaining} left)`);
    try {
      const { email } = await this.users.findOrFail(userId);
      await this.mail.send(recoveryCodeUsedMail(email, remaining, this.mailer.appUrl));
    } catch (error) {
      this.logger.error(`recovery code notice not sent to user ${userId}: ${(error as Error).message}`);
    }
  }
}
