import type { IDToken } from 'openid-client';
import { toExternalProfile } from './external-profile';

const token = (claims: Record<string, unknown>): IDToken => ({
  iss: 'https://idp.example',
  sub: 'abc',
  aud: 'lingo',
  iat: 1,
  exp: 2,
  ...claims,
});

describe('toExternalProfile', () => {
  it('keeps the claims the app uses, the email lower-cased', () => {
    expect(
      toExternalProfile(
        token({
          email: ' Ana@Example.COM ',
          email_verified: true,
          name: 'Ana',
          picture: 'https://img.example/a.png',
        }),
      ),
    ).toEqual({
      issuer: 'https://idp.example',
      subject: 'abc',
      email: 'ana@example.com',
      emailVerified: true,
      name: 'Ana',
      picture: 'https://img.example/a.png',
    });
  });

  it('counts only a true email_verified (or the string some providers send)', () => {
    expect(toExternalProfile(token({ email_verified: 'true' })).emailVerified).toBe(true);
    for (const value of [false, 'false', 1, 'yes', undefined]) {
      expect(toExternalProfile(token({ email_verified: value })).emailVerified).toBe(false);
    }
  });

  it('leaves out what is malformed rather than trusting it', () => {
    const profile = toExternalProfile(
      token({ email: 'not an address', name: 42, picture: 'javascript:alert(1)' }),
    );
    expect(profile).toEqual({ issuer: 'https://idp.example', subject: 'abc', emailVerified: false });
    expect(
      toExternalProfile(token({ picture: `https://x.example/${'a'.repeat(2100)}` })).picture,
    ).toBeUndefined();
    expect(toExternalProfile(token({ name: 'n'.repeat(200) })).name).toHaveLength(80);
  });
});
