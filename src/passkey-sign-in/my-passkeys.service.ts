import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type { SecondFactorProofDto } from '../accounts/dto/second-factor-proof.dto';
import { AccountsService } from '../accounts/accounts.service';
import { SecondFactorProofService } from '../accounts/second-factor-proof.service';
import { SignInFactorsService } from '../accounts/sign-in-factors.service';
import type { Principal } from '../identity/principal';
import { SessionsService } from '../identity/sessions.service';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '../passkeys/webauthn.service';
import { PasskeyRefused } from '../passkeys/passkey-refused';
import type { PasskeyView } from '../passkeys/passkey.view';
import { PasskeysService } from '../passkeys/passkeys.service';
import { WebAuthnService } from '../passkeys/webauthn.service';
import { UsersService } from '../users/users.service';
import type { RegisterPasskeyDto } from './dto/passkey.dto';

/** The signed-in user's passkeys: add one (two steps: options, then the browser's response), list, rename, remove. */
@Injectable()
export class MyPasskeysService {
  private readonly logger = new Logger(MyPasskeysService.name);

  constructor(
    private readonly webauthn: WebAuthnService,
    private readonly passkeys: PasskeysService,
    private readonly users: UsersService,
    private readonly proofs: SecondFactorProofService,
    private readonly factors: SignInFactorsService,
    private readonly sessions: SessionsService,
    private readonly accounts: AccountsService,
  ) {}

  async registrationOptions(me: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const user = await this.users.findOrFail(me);
    return this.webauthn.registrationOptions({ id: me, email: user.email, fullName: user.fullName });
  }

  /**
   * 400 for a response the ceremony refuses (the reason, never the values); 409 for a passkey registered already.
   * A first passkey is a first second factor: as when TOTP is activated, this session becomes aal2 and every other
   * one (aal1) ends with every chat token issued so far, so no session of a user with a factor is aal1.
   */
  async register(me: Principal, dto: RegisterPasskeyDto): Promise<PasskeyView> {
    const first = (await this.factors.factorsOf(me.id)).length === 0;
    let passkey: PasskeyView;
    try {
      passkey = await this.webauthn.register(me.id, dto.credential, dto.name);
    } catch (error) {
      if (!(error instanceof PasskeyRefused)) throw error;
      this.logger.warn(`user ${me.id}: passkey registration refused (${error.refusal})`);
      throw new BadRequestException(error.message);
    }
    if (first) {
      await this.sessions.raiseToAal2(me.id, me.sessionId);
      await this.sessions.endAll(me.id, me.sessionId);
      await this.accounts.revokeChatTokens(me.id);
    }
    return passkey;
  }

  list(me: string): Promise<PasskeyView[]> {
    return this.passkeys.listMine(me);
  }

  async rename(me: string, id: string, name: string): Promise<PasskeyView> {
    const renamed = await this.passkeys.rename(me, id, name);
    if (!renamed) throw new NotFoundException('Passkey not found');
    return renamed;
  }

  /** Options to prove it is me with one of my passkeys (removing a factor): only mine allowed, the challenge mine. */
  verificationOptions(me: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.webauthn.authenticationOptions(me);
  }

  /**
   * Removing a factor needs a current second factor, and a passkey is one: every removal is proven with a TOTP
   * code, a recovery code or an assertion of one of my passkeys (the one removed included, so a user whose only
   * factor is one passkey can remove it). 404 for no such passkey of mine, before any proof is spent. A passkey is
   * never the last way in (it is added to an account that signs in with a password or a provider, and unlinking
   * those does not count passkeys), so none is kept back.
   */
  async remove(me: string, id: string, proof: SecondFactorProofDto): Promise<void> {
    if (!(await this.passkeys.listMine(me)).some((p) => p.id === id)) {
      throw new NotFoundException('Passkey not found');
    }
    await this.proofs.check(me, proof);
    if (!(await this.passkeys.remove(me, id))) throw new NotFoundException('Passkey not found');
    this.logger.log(`user ${me} removed passkey ${id}`);
  }
}
