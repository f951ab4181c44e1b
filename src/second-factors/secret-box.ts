import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { MfaKey } from '../config/configuration';

/** A secret encrypted at rest: AES-256-GCM under the key `kid` names (all base64 but the id). */
export interface SealedSecret {
  kid: string;
  iv: string;
  tag: string;
  data: string;
}

/** No key of the ring has this id (it was removed from MFA_ENCRYPTION_KEYS while secrets still used it). */
export class UnknownKeyError extends Error {
  constructor(kid: string) {
    super(`no MFA_ENCRYPTION_KEYS key with id ${kid}`);
  }
}

// The owner of the secret is bound to the ciphertext (GCM's additional data): a sealed secret copied to another
// user's record does not decrypt.
const aad = (userId: string): Buffer => Buffer.from(`user:${userId}`, 'utf8');

/** Seals under the newest key: the last of the ring. */
export function seal(plain: string, userId: string, keys: readonly MfaKey[]): SealedSecret {
  const { id, key } = keys[keys.length - 1];
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad(userId));
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return {
    kid: id,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/** Opens with whichever key of the ring sealed it; throws if that key is gone or the data was altered. */
export function open(sealed: SealedSecret, userId: string, keys: readonly MfaKey[]): string {
  const entry = keys.find((k) => k.id === sealed.kid);
  if (!entry) throw new UnknownKeyError(sealed.kid);
  const decipher = createDecipheriv('aes-256-gcm', entry.key, Buffer.from(sealed.iv, 'base64'))
    .setAAD(aad(userId))
    .setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString(
    'utf8',
  );
}
