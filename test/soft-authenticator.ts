import WebAuthnEmulator, {
  AuthenticatorEmulator,
  deserializeCredential,
  PasskeysCredentialsMemoryRepository,
  serializeCredential,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from 'nid-webauthn-emulator';
import type { SignedUpUser, TestApp } from './harness';

/** APP_URL's origin in the harness (its default): where a browser runs the ceremonies. */
export const APP_ORIGIN = 'http://localhost:5173';

export interface SoftAuthenticatorOptions {
  /** Whether it verifies the user (PIN, biometrics): the API requires it. */
  userVerified?: boolean;
  /** The credentials it holds: a copy of another one's is a cloned authenticator. */
  credentials?: string[];
}

/**
 * A software FIDO2 authenticator (nid-webauthn-emulator: CTAP2, ES256, 'none' attestation, a signature counter
 * that goes up by one per assertion) behind a WebAuthn client for one origin: what a browser with a platform
 * authenticator does, minus the browser. Each holds its own credentials.
 */
export class SoftAuthenticator {
  private readonly repository = new PasskeysCredentialsMemoryRepository();
  private readonly client: WebAuthnEmulator;

  constructor(options: SoftAuthenticatorOptions = {}) {
    for (const c of options.credentials ?? []) this.repository.saveCredential(deserializeCredential(c));
    // The user touches it; verifies them (the uv flag) unless told not to.
    const interaction = () => ({ options: { up: true, uv: options.userVerified ?? true } });
    this.client = new WebAuthnEmulator(
      new AuthenticatorEmulator({
        algorithmIdentifiers: ['ES256'],
        credentialsRepository: this.repository,
        userMakeCredentialInteraction: interaction,
        userGetAssertionInteraction: interaction,
      }),
    );
  }

  /** navigator.credentials.create() as JSON. */
  create(options: unknown, origin = APP_ORIGIN) {
    return this.client.createJSON(origin, options as PublicKeyCredentialCreationOptionsJSON);
  }

  /** navigator.credentials.get() as JSON. */
  get(options: unknown, origin = APP_ORIGIN) {
    return this.client.getJSON(origin, options as PublicKeyCredentialRequestOptionsJSON);
  }

  /** Its credentials as they are now, to build a clone from. */
  snapshot(): string[] {
    return this.repository.loadCredentials().map(serializeCredential);
  }
}

/** Adds a passkey made by `authenticator` to the user's account; the API's answer, of status 201. */
export async function registerPasskey(
  t: TestApp,
  user: SignedUpUser,
  authenticator: SoftAuthenticator,
  name = 'Laptop',
) {
  const options = await t
    .http()
    .post('/api/auth/passkeys/registration/options')
    .set('Cookie', user.cookie)
    .expect(200);
  const credential = authenticator.create(options.body);
  return t
    .http()
    .post('/api/auth/passkeys')
    .set('Cookie', user.cookie)
    .send({ name, credential })
    .expect(201);
}

/** Fresh sign-in options and the authenticator's assertion for them. */
export async function passkeyAssertion(t: TestApp, authenticator: SoftAuthenticator, origin = APP_ORIGIN) {
  const options = await t.http().post('/api/auth/passkeys/authentication/options').expect(200);
  return authenticator.get(options.body, origin);
}

/** Signs in with a passkey of `authenticator`; the API's answer, of the status expected. */
export async function signInWithPasskey(t: TestApp, authenticator: SoftAuthenticator, status = 200) {
  const credential = await passkeyAssertion(t, authenticator);
  return t.http().post('/api/auth/passkeys/authentication').send({ credential }).expect(status);
}

/** DELETE /api/auth/passkeys/:id proven with an assertion of `authenticator`; the answer (204). */
export async function removePasskey(
  t: TestApp,
  user: SignedUpUser,
  id: string,
  authenticator: SoftAuthenticator,
) {
  const options = await t
    .http()
    .post('/api/auth/passkeys/verification/options')
    .set('Cookie', user.cookie)
    .expect(200);
  return t
    .http()
    .delete(`/api/auth/passkeys/${id}`)
    .set('Cookie', user.cookie)
    .send({ webauthn: authenticator.get(options.body) })
    .expect(204);
}
