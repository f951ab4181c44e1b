import { hashCode, newCode } from './secrets';

describe('verification codes', () => {
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
