import { Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { toString as qrSvg } from 'qrcode';
import { AccountsService } from '../accounts/accounts.service';
import type { SecondFactorProofDto } from '../accounts/dto/second-factor-proof.dto';
import { SecondFactorProofService } from '../accounts/second-factor-proof.service';
import { SessionStartService } from '../accounts/session-start.service';
import { mfaConfig } from '../config/configuration';
import { AttemptLimiter } from '../identity/attempt-limiter';
import type { Principal } from '../identity/principal';
import { SessionsService } from '../identity/sessions.service';
import type { PublicKeyCredentialRequestOptionsJSON } from '../passkeys/webauthn.service';
import { WebAuthnService } from '../passkeys/webauthn.service';
import { PendingSignInsService } from '../second-factors/pending-sign-ins.service';
import { SecondFactorView } from '../second-factors/second-factor.view';
import { SecondFactorsService, TotpEnrollment } from '../second-factors/second-factors.service';
import { UsersService } from '../users/users.service';
import { AuthService, SignedIn } from './auth.service';

const NO_PENDING_SIGN_IN =
  'No sign-in is waiting for a second factor (it may have expired): please sign in again';

/**
 * The second-factor flows: enrolling and activating TOTP, recovery codes, removing a factor, and the challenge
 * (a code, a recovery code or a passkey) that finishes a sign-in waiting for one. Every code checked, on whichever route, counts against one per-account
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
    private readonly webauthn: WebAuthnService,
    private readonly proofs: SecondFactorProofService,
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
    if (!recoveryCodes) return this.proofs.refuse(me.id);
    await this.sessions.raiseToAal2(me.id, me.sessionId);
    await this.sessions.endAll(me.id, me.sessionId);
    await this.accounts.revokeChatTokens(me.id);
    return recoveryCodes;
  }

  /** Options for a passkey as the second factor: the pending user's passkeys only, a challenge theirs alone. */
  async challengeOptions(pendingToken: string | undefined): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.webauthn.authenticationOptions(await this.pendingUser(pendingToken));
  }

  /** Finishes a pending sign-in with a second factor: the full (aal2) session. */
  async challenge(
    pendingToken: string | undefined,
    proof: SecondFactorProofDto,
    userAgent?: string,
  ): Promise<SignedIn> {
    const userId = await this.pendingUser(pendingToken);
    await this.proofs.check(userId, proof);
    // A parallel challenge with another right code may have finished it first: one session per pending sign-in.
    if (!(await this.pending.finish(pendingToken!))) throw new UnauthorizedException(NO_PENDING_SIGN_IN);
    const token = this.auth.startedToken(await this.sessionStart.startVerifiedSession(userId, userAgent));
    this.logger.log(`user ${userId} passed a second factor and signed in`);
    return { kind: 'signed-in', user: await this.users.findOrFail(userId), token };
  }

  /** Removes TOTP (and its recovery codes): a current second factor is asked again. */
  async removeTotp(me: Principal, proof: SecondFactorProofDto): Promise<void> {
    await this.proofs.check(me.id, proof);
    await this.factors.removeTotp(me.id);
  }

  /** A new set of recovery codes (the old set stops working): a current second factor is asked again. */
  async regenerateRecoveryCodes(me: Principal, proof: SecondFactorProofDto): Promise<string[]> {
    await this.proofs.check(me.id, proof);
    return this.factors.replaceRecoveryCodes(me.id);
  }

  private async pendingUser(pendingToken: string | undefined): Promise<string> {
    const userId = pendingToken ? await this.pending.userOf(pendingToken) : null;
    if (!userId) throw new UnauthorizedException(NO_PENDING_SIGN_IN);
    return userId;
  }
}
