import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { webauthnConfig } from '../config/configuration';
import { PasskeyRefused, refusalOf } from './passkey-refused';
import type { PasskeyView } from './passkey.view';
import { PasskeysService } from './passkeys.service';
import { WebAuthnChallengesService } from './webauthn-challenges.service';

// The JSON shapes of the ceremonies, for the flows above (which never import the library themselves).
export type {
  AuthenticationResponseJSON,
  AuthenticatorTransportFuture,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
};

/** ES256, EdDSA, RS256: what platform authenticators and security keys sign with. */
const ALGORITHMS = [-7, -8, -257];

/** The account a passkey answers for (its WebAuthn user handle): the user id's 12 bytes, nothing personal. */
const userHandleOf = (userId: string) => new Uint8Array(Buffer.from(userId, 'hex'));

/** Who a registration is for, as the authenticator shows them when choosing a passkey. */
export interface PasskeyHolder {
  id: string;
  email: string;
  fullName: string;
}

/**
 * The WebAuthn ceremonies, through @simplewebauthn/server (the only importer of it): options with a fresh
 * challenge, then the browser's response verified against APP_URL's origin, the RP id, the challenge (spent on
 * the way, whatever the outcome), user verification (required) and, for an assertion, the stored key and the
 * signature counter. Every refusal is a PasskeyRefused naming why, never the values involved.
 */
@Injectable()
export class WebAuthnService {
  constructor(
    private readonly passkeys: PasskeysService,
    private readonly challenges: WebAuthnChallengesService,
    @Inject(webauthnConfig.KEY) private readonly config: ConfigType<typeof webauthnConfig>,
  ) {}

  /** Options for navigator.credentials.create(): a discoverable credential, the user verified. */
  async registrationOptions(holder: PasskeyHolder): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = await this.passkeys.credentialsOf(holder.id);
    const options = await generateRegistrationOptions({
      rpName: this.config.rpName,
      rpID: this.config.rpId,
      userName: holder.email,
      userDisplayName: holder.fullName,
      userID: userHandleOf(holder.id),
      attestationType: 'none',
      // An authenticator that holds one of mine already is not asked to make a second one.
      excludeCredentials: existing.map((c) => ({
        id: c.credentialId,
        transports: c.transports as AuthenticatorTransportFuture[],
      })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      supportedAlgorithmIDs: ALGORITHMS,
      timeout: this.config.challengeTtlMs,
    });
    await this.challenges.remember(options.challenge, 'registration', holder.id);
    return options;
  }

  /** Verifies a registration response to the user's own challenge and stores the passkey under `name`. */
  async register(userId: string, response: RegistrationResponseJSON, name: string): Promise<PasskeyView> {
    const verification = await this.verifying((expectedChallenge) =>
      verifyRegistrationResponse({
        response,
        expectedChallenge: (challenge) => expectedChallenge(challenge, 'registration', userId),
        expectedOrigin: this.config.origin,
        expectedRPID: this.config.rpId,
        requireUserVerification: true,
        supportedAlgorithmIDs: ALGORITHMS,
      }),
    );
    if (!verification.verified) throw new PasskeyRefused('invalid');
    const { credential, credentialBackedUp } = verification.registrationInfo;
    return this.passkeys.add(userId, {
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: credential.transports ?? [],
      synced: credentialBackedUp,
      name,
    });
  }

  /**
   * Options for navigator.credentials.get(). With no user named (a passwordless sign-in) the authenticator offers
   * its passkeys for us; with one (a second factor, a proof before removing one) only that user's passkeys are
   * allowed and the challenge is theirs alone.
   */
  async authenticationOptions(userId?: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const allowed = userId ? await this.passkeys.credentialsOf(userId) : [];
    const options = await generateAuthenticationOptions({
      rpID: this.config.rpId,
      userVerification: 'required',
      timeout: this.config.challengeTtlMs,
      allowCredentials: allowed.map((c) => ({
        id: c.credentialId,
        transports: c.transports as AuthenticatorTransportFuture[],
      })),
    });
    await this.challenges.remember(options.challenge, 'authentication', userId);
    return options;
  }

  /**
   * Verifies an assertion and records its use; returns whose account it signs in to. With `userId`, the passkey
   * must be theirs and the challenge one issued to them (authenticationOptions(userId)).
   */
  async authenticate(response: AuthenticationResponseJSON, userId?: string): Promise<string> {
    const stored = await this.passkeys.findCredential(response.id);
    if (!stored) throw new PasskeyRefused('unknown-credential');
    if (userId !== undefined && stored.userId !== userId) throw new PasskeyRefused('wrong-account');
    // A discoverable credential names its account: it must be the one the passkey was registered to.
    const handle = response.response.userHandle;
    if (handle !== undefined && handle !== Buffer.from(userHandleOf(stored.userId)).toString('base64url')) {
      throw new PasskeyRefused('wrong-account');
    }
    const verification = await this.verifying((expectedChallenge) =>
      verifyAuthenticationResponse({
        response,
        expectedChallenge: (challenge) => expectedChallenge(challenge, 'authentication', userId),
        expectedOrigin: this.config.origin,
        expectedRPID: this.config.rpId,
        credential: {
          id: stored.credentialId,
          publicKey: Buffer.from(stored.publicKey, 'base64url'),
          counter: stored.counter,
          transports: stored.transports as AuthenticatorTransportFuture[],
        },
        requireUserVerification: true,
      }),
    );
    if (!verification.verified) throw new PasskeyRefused('invalid');
    if (!(await this.passkeys.recordUse(stored.id, verification.authenticationInfo.newCounter))) {
      throw new PasskeyRefused('counter');
    }
    return stored.userId;
  }

  /**
   * Runs a verification with a challenge check that spends the challenge. The library's errors quote the values
   * it compared (the challenge among them): they become a PasskeyRefused naming only the check that failed. A
   * failure of the challenge store itself (MongoDB) is passed on as it is.
   */
  private async verifying<T>(
    verify: (spend: WebAuthnChallengesService['consume']) => Promise<T>,
  ): Promise<T> {
    let storeFailure: Error | undefined;
    const spend: WebAuthnChallengesService['consume'] = async (...args) => {
      try {
        return await this.challenges.consume(...args);
      } catch (error) {
        storeFailure = error as Error;
        throw error;
      }
    };
    try {
      return await verify(spend);
    } catch (error) {
      if (storeFailure) throw storeFailure;
      throw new PasskeyRefused(refusalOf(error));
    }
  }
}
