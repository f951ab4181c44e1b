import { ForbiddenException, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '../passkeys/webauthn.service';
import { SessionStartService } from '../accounts/session-start.service';
import { verificationConfig } from '../config/configuration';
import { PasskeyRefused } from '../passkeys/passkey-refused';
import { WebAuthnService } from '../passkeys/webauthn.service';
import type { UserView } from '../users/user.view';
import { UsersService } from '../users/users.service';

const VERIFY_FIRST =
  'Please verify your email address before signing in: use the code or link we mailed you ' +
  '(a new one: POST /api/auth/email/verification with your email)';

/**
 * Passwordless sign-in with a passkey (a discoverable credential: the authenticator names the account). The
 * passkey proves possession and, with user verification required, the user: it is two factors at once. Ends as
 * every sign-in does, in SessionStartService.
 */
@Injectable()
export class PasskeySignInService {
  private readonly logger = new Logger(PasskeySignInService.name);

  constructor(
    private readonly webauthn: WebAuthnService,
    private readonly users: UsersService,
    private readonly sessionStart: SessionStartService,
    @Inject(verificationConfig.KEY) private readonly verification: ConfigType<typeof verificationConfig>,
  ) {}

  options(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.webauthn.authenticationOptions();
  }

  /** 401 for an assertion refused (why, never the values); 403 for a suspended account or, under
   * REQUIRE_VERIFIED_EMAIL=login, an unverified address (as a password login). */
  async signIn(
    credential: AuthenticationResponseJSON,
    userAgent: string | undefined,
  ): Promise<{ user: UserView; token: string }> {
    let userId: string;
    try {
      userId = await this.webauthn.authenticate(credential);
    } catch (error) {
      if (!(error instanceof PasskeyRefused)) throw error;
      this.logger.warn(`passkey sign-in refused (${error.refusal})`);
      throw new UnauthorizedException(error.message);
    }
    if (this.verification.requireVerifiedEmail === 'login' && !(await this.users.isEmailVerified(userId))) {
      throw new ForbiddenException(VERIFY_FIRST);
    }
    // A passkey is two factors on its own (possession, and the user verification the ceremony requires): aal2.
    const start = await this.sessionStart.startVerifiedSession(userId, userAgent);
    if (start.outcome === 'suspended') throw new ForbiddenException(start.message);
    this.logger.log(`user ${userId} signed in with a passkey`);
    return { user: await this.users.findOrFail(userId), token: start.token };
  }
}
