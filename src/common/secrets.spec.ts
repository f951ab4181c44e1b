import { hashSecret, newSecretToken } from './secrets';

describe('secrets', () => {
  it('makes 32-byte link tokens and keeps only their SHA-256', () => {
    const { token, hash } = newSecretToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(hash).toBe(hashSecret(token));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(newSecretToken().token).not.toBe(token);
  });
});
