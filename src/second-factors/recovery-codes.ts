import { randomInt } from 'node:crypto';
import { hashSecret } from '../common/secrets';

/** How many codes a set holds (Kratos, GitHub: 10 or more), each four groups of four characters. */
export const RECOVERY_CODE_COUNT = 10;
// No 0/o, 1/l/i: a code is copied by hand. 31 symbols × 16 ≈ 79 bits, so a plain SHA-256 is enough to store.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

const newCode = (): string =>
  Array.from({ length: 4 }, () =>
    Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
  ).join('-');

export const newRecoveryCodes = (): string[] => Array.from({ length: RECOVERY_CODE_COUNT }, newCode);

/** What is stored for a code: typed in any case, with or without its dashes and spaces, it hashes the same. */
export const recoveryCodeHash = (code: string): string =>
  hashSecret(code.toLowerCase().replace(/[^a-z0-9]/g, ''));
