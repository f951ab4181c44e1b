import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes: guessing a live token is hopeless, so a plain SHA-256 of it is all that needs storing. */
const TOKEN_BYTES = 32;

/**
 * The SHA-256 (hex) kept instead of a secret or a personal value: reset and verification tokens, OIDC states, limit
 * keys, the bodies of webhook calls.
 */
export const hashSecret = (secret: string | Buffer): string =>
  createHash('sha256').update(secret).digest('hex');

/** A token for a mailed link (base64url, 43 characters) and the hash to store instead of it. */
export function newSecretToken(): { token: string; hash: string } {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, hash: hashSecret(token) };
}
