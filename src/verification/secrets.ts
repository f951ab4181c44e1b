import { createHash, randomBytes, randomInt } from 'node:crypto';

/** 32 random bytes: guessing a live token is hopeless, so a plain SHA-256 of it is all that needs storing. */
const TOKEN_BYTES = 32;
const CODE_DIGITS = 6;

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** A token for a mailed link (base64url, 43 characters) and the hash to store instead of it. */
export function newSecretToken(): { token: string; hash: string } {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, hash: hashSecret(token) };
}

/** A 6-digit code to type, uniformly drawn (leading zeros kept). */
export const newCode = (): string => String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');

/** A code's hash, salted with its link's hash so that two records never share one. */
export const hashCode = (code: string, tokenHash: string): string => hashSecret(`${tokenHash}:${code}`);
