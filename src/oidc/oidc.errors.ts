import * as client from 'openid-client';

/**
 * Why a sign-in with a provider failed, as the flow tells the user: the provider is not configured, cannot be
 * reached (or is not discovered yet), the user declined, the provider answered with an error, or its answer
 * (the code, the ID token's signature, issuer, audience, expiry or nonce) was refused.
 */
export type OidcFailure = 'unknown-provider' | 'unavailable' | 'access-denied' | 'provider-error' | 'refused';

/** openid-client's failures that mean "could not reach the provider", not "refused what it sent". */
const UNREACHABLE = new Set(['OAUTH_TIMEOUT', 'OAUTH_ABORT', 'OAUTH_RESPONSE_IS_NOT_CONFORM']);

/** A provider's error code is quoted in the log only when it looks like one (the callback URL is anyone's). */
const quotable = (code: unknown): string =>
  typeof code === 'string' && /^[\w.-]{1,64}$/.test(code) ? code : 'an unreadable error';

/** A failed OIDC step; the message names what failed and never carries a code, token or secret. */
export class OidcError extends Error {
  constructor(
    readonly failure: OidcFailure,
    message: string,
  ) {
    super(message);
    this.name = 'OidcError';
  }
}

/** openid-client's error (or a network failure) as an OidcError. */
export function toOidcError(error: unknown): OidcError {
  if (error instanceof OidcError) return error;
  if (error instanceof client.AuthorizationResponseError) {
    const failure = error.error === 'access_denied' ? 'access-denied' : 'provider-error';
    return new OidcError(failure, `the provider answered ${quotable(error.error)}`);
  }
  if (error instanceof client.ResponseBodyError) {
    return new OidcError(
      error.status >= 500 ? 'unavailable' : 'refused',
      `the token endpoint answered ${error.status} ${quotable(error.error)}`,
    );
  }
  if (error instanceof client.WWWAuthenticateChallengeError) {
    return new OidcError('refused', `the token endpoint refused the client (${error.status})`);
  }
  if (error instanceof client.ClientError && error.code && !UNREACHABLE.has(error.code)) {
    // The cause names the failed check ("unexpected JWT "aud" (audience) claim value"), quoting no value.
    return new OidcError('refused', withCauses(error));
  }
  return new OidcError('unavailable', `the provider did not answer: ${withCauses(error)}`);
}

/** "something went wrong: fetch failed: connect ECONNREFUSED 127.0.0.1:9": the error and what caused it. */
function withCauses(error: unknown, depth = 3): string {
  // Not instanceof Error: fetch's errors may come from another realm (a test sandbox).
  const { message, cause } = (error ?? {}) as { message?: unknown; cause?: unknown };
  if (typeof message !== 'string') return String(error);
  return depth > 1 && cause !== undefined ? `${message}: ${withCauses(cause, depth - 1)}` : message;
}
