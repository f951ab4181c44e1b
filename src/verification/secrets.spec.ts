import { hashCode, hashSecret, newCode, newSecretToken } from './secrets';

describe('verification secrets', () => {
  it('makes 32-byte link tokens and keeps only their SHA-256', () => {
    const { token, hash } = newSecretToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(hash).toBe(hashSecret(token));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(newSecretToken().token).not.toBe(token);
  });

  it('makes 6-digit codes over the whole range, leading zeros included', () => {
    const codes = Array.from({ length: 2000 }, newCode);
    expect(codes.every((c) => /^\d{6}$/.test(c))).toBe(true);
    expect(codes.some((c) => c.startsWith('0'))).toBe(true);
    expect(new Set(codes).size).toBeGreaterThan(1900);
  });

  it('hashes the same code differently for different links', () => {
    expect(hashCode('123456', 'a')).not.toBe(hashCode('123456', 'b'));
    expect(hashCode('123456', 'a')).toBe(hashCode('123456', 'a'));
  });
});
