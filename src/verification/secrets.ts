import { randomInt } from 'node:crypto';
import { hashSecret } from '../common/secrets';

const CODE_DIGITS = 6;

/** A 6-digit code to type, uniformly drawn (leading zeros kept). */
export const newCode = (): string => String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');

/** A code's hash, salted with its link's hash so that two records never share one. */
export const hashCode = (code: string, tokenHash: string): string => hashSecret(`${tokenHash}:${code}`);
