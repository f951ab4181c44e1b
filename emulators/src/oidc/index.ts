/**
 * OpenID Connect provider: panva's oidc-provider (OpenID Certified) as a sign-in provider, for development and tests.
 *   GET  /.well-known/openid-configuration   discovery
 *   GET  /jwks                               the RS256 public key (a new key per start)
 *   GET  /auth                               authorization: code flow, PKCE S256 required, state, nonce, login_hint;
 *                                            redirect_uri: any http(s) URI on 127.0.0.1, localhost or [::1]
 *   GET  /interaction/:uid                   signs the test user in and grants consent, no page (redirects back)
 *   POST /token                              client_secret_basic or client_secret_post
 *   GET  /me                                 userinfo
 * Who signs in: setNextSignIn's user (once), else the user login_hint names (a configured user with that email, or
 * one whose sub is derived from the email), else the first configured user. No single sign-on: the session cookie
 * is ignored, so each authorization request signs in anew.
 *
 * Control endpoints (no auth; `/_emulator` is no OIDC route), each answering 204, or 400 { error }:
 *   POST /_emulator/next-sign-in    JSON { sub?, email?, email_verified?, name?, picture? } (sub or email)
 *   POST /_emulator/id-token-fault  JSON { fault }: wrong-audience | expired | unsigned | bad-signature |
 *                                   wrong-issuer | wrong-nonce, for the next successful token response only
 *                                   (openid-client checks the signature of a token endpoint's ID token only
 *                                   with enableNonRepudiationChecks)
 *   POST /_emulator/reset           forgets both
 * In process: setNextSignIn(user), failNextIdToken(fault), reset(), close(); followAuthorization(url) plays the
 * user's browser (follows the redirects, returns the redirect_uri with code and state).
 */
export { followAuthorization } from './browser';
export { startOidcProvider } from './server';
export type { OidcProviderEmulator, StartOidcProviderOptions } from './server';
export type { OidcClient } from './provider';
export { DEFAULT_TEST_USER, subForEmail } from './accounts';
export type { OidcTestUser, OidcTestUserInput } from './accounts';
export { ID_TOKEN_FAULTS } from './id-token-faults';
export type { OidcIdTokenFault } from './id-token-faults';
