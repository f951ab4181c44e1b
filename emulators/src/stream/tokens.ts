import * as jwt from 'jsonwebtoken';
import { StreamApiError } from './errors';
import type { StreamEmulatorUser } from './types';

export type Caller = { kind: 'server' } | { kind: 'user'; userId: string; iat?: number };

const authError = (code: number, detail: string): StreamApiError => new StreamApiError(401, code, detail);

/**
 * Verifies a token as Stream does: HS256 with the app secret; `{ server: true }` makes a server caller, otherwise
 * `user_id` names the user. Expiry and clock skew are checked here; revocation needs the user (see checkRevocation).
 */
export function verifyToken(
  token: string | undefined,
  apiKey: string,
  apiSecret: string,
  now = Date.now(),
): Caller {
  if (!token) {
    throw authError(4, 'JWTAuth error: missing authorization header or parameter');
  }
  let payload: jwt.JwtPayload;
  try {
    const decoded = jwt.verify(token, apiSecret, {
      algorithms: ['HS256'],
      ignoreExpiration: true,
      ignoreNotBefore: true,
    });
    if (typeof decoded === 'string') {
      throw new jwt.JsonWebTokenError('payload is not a JSON object');
    }
    payload = decoded;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (/signature|algorithm/i.test(reason)) {
      throw authError(
        43,
        `JWTAuth error: signature is not valid. Make sure the token is created using the secret for API key "${apiKey}"`,
      );
    }
    throw authError(5, `JWTAuth error: token is not valid (${reason})`);
  }
  const nowSec = Math.floor(now / 1000);
  if (typeof payload.exp === 'number' && payload.exp <= nowSec) {
    throw authError(40, `JWTAuth error: token has expired (exp=${payload.exp}, now=${nowSec})`);
  }
  if (typeof payload.nbf === 'number' && payload.nbf > nowSec) {
    throw authError(41, `JWTAuth error: token is not valid yet (nbf=${payload.nbf}, now=${nowSec})`);
  }
  if (typeof payload.iat === 'number' && payload.iat > nowSec) {
    throw authError(
      42,
      `JWTAuth error: token used before issue at (iat=${payload.iat}, now=${nowSec}). Check the clock of the server creating the token`,
    );
  }
  if (payload.server === true) {
    return { kind: 'server' };
  }
  if (typeof payload.user_id !== 'string' || payload.user_id === '') {
    throw authError(5, 'JWTAuth error: token does not contain a user_id claim');
  }
  return {
    kind: 'user',
    userId: payload.user_id,
    iat: typeof payload.iat === 'number' ? payload.iat : undefined,
  };
}

/**
 * `iat` has whole seconds and the revocation instant milliseconds, so a token minted in the same second as the
 * revocation is already revoked; a token without `iat` counts as revoked once any revocation exists.
 */
export function checkRevocation(caller: Caller, user: StreamEmulatorUser | undefined): void {
  if (caller.kind !== 'user' || !user?.revoke_tokens_issued_before) return;
  const revokedBefore = Date.parse(user.revoke_tokens_issued_before);
  if (Number.isNaN(revokedBefore)) return;
  if (caller.iat === undefined || caller.iat * 1000 < revokedBefore) {
    throw authError(40, 'JWTAuth error: This token has been revoked. Please make sure to use a valid token');
  }
}
