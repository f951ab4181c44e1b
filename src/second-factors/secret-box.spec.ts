import { randomBytes } from 'node:crypto';
import { open, seal, UnknownKeyError } from './secret-box';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const user = '64f000000000000000000001';

describe('secret-box', () => {
  it('seals under the newest (last) key and opens after another key is appended', () => {
    const sealed = seal('JBSWY3DPEHPK3PXP', user, [k1]);
    expect(sealed.kid).toBe('k1');
    expect(sealed.data).not.toContain('JBSWY3DPEHPK3PXP');
    expect(open(sealed, user, [k1, k2])).toBe('JBSWY3DPEHPK3PXP');
    expect(seal('x', user, [k1, k2]).kid).toBe('k2');
  });

  it('refuses a secret whose key left the ring, moved to another user, or altered', () => {
    const sealed = seal('JBSWY3DPEHPK3PXP', user, [k1]);
    expect(() => open(sealed, user, [k2])).toThrow(UnknownKeyError);
    expect(() => open(sealed, '64f000000000000000000002', [k1])).toThrow();
    const altered = { ...sealed, data: Buffer.from('AAAAAAAAAAAAAAAA').toString('base64') };
    expect(() => open(altered, user, [k1])).toThrow();
  });
});
