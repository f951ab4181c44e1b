import { webauthnConfig } from './configuration';
import { EnvValidationError, validateEnv } from './validate-env';

const strongProd = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://mongo:27017/lingo',
  JWT_SECRET_KEY: 'x'.repeat(32),
  STREAM_API_KEY: 'key',
  STREAM_API_SECRET: 's'.repeat(40),
  SMTP_URL: 'smtp://mail.internal:587',
  MFA_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
};

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    validateEnv(env);
  } catch (error) {
    if (error instanceof EnvValidationError) return error.problems;
    throw error;
  }
  return [];
};

describe('validateEnv', () => {
  it('applies safe defaults in development with no env at all', () => {
    const env = validateEnv({});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      PORT: 5000,
      JWT_EXPIRES_IN: '7d',
      STREAM_TIMEOUT_MS: 2000,
      BCRYPT_ROUNDS: 10,
      PASSWORD_RESET_TTL_SECONDS: 1800,
    });
    expect(env).toMatchObject({
      REQUIRE_VERIFIED_EMAIL: 'off',
      EMAIL_VERIFICATION_TTL_SECONDS: 86400,
      EMAIL_VERIFICATION_CODE_TRIES: 5,
    });
    // Unset: chat tokens live as long as their session.
    expect(env.STREAM_TOKEN_TTL_SECONDS).toBeUndefined();
  });

  it('parses numbers from strings', () => {
    expect(validateEnv({ PORT: '8080', BCRYPT_ROUNDS: '12' })).toMatchObject({
      PORT: 8080,
      BCRYPT_ROUNDS: 12,
    });
  });

  it('accepts a complete production environment', () => {
    expect(() => validateEnv(strongProd)).not.toThrow();
  });

  it('names every missing variable in production at once', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(
      [
        'JWT_SECRET_KEY',
        'MFA_ENCRYPTION_KEYS',
        'MONGODB_URI',
        'SMTP_URL',
        'STREAM_API_KEY',
        'STREAM_API_SECRET',
      ].sort(),
    );
  });

  it('refuses a weak JWT secret without printing it', () => {
    const secret = 'short-secret-value';
    const problems = problemsOf({ ...strongProd, JWT_SECRET_KEY: secret });
    expect(problems).toEqual(['JWT_SECRET_KEY: JWT_SECRET_KEY must be at least 32 characters']);
    expect(problems.join()).not.toContain(secret);
  });

  it.each([
    ['PORT', 'abc'],
    ['BCRYPT_ROUNDS', '4'],
    ['JWT_EXPIRES_IN', 'forever'],
    ['STREAM_BASE_URL', 'not a url'],
    ['MONGODB_URI', 'postgres://x'],
    ['NODE_ENV', 'staging'],
    ['SMTP_URL', 'http://mail'],
    ['APP_URL', 'not a url'],
    ['STREAM_TOKEN_TTL_SECONDS', '10'],
    ['LOG_LEVEL', 'verbose'],
    ['REQUIRE_VERIFIED_EMAIL', 'always'],
    ['EMAIL_VERIFICATION_CODE_TRIES', '0'],
    ['REDIS_URL', 'localhost:6379'],
    ['METRICS_TOKEN', 'short'],
    ['SHUTDOWN_GRACE_MS', '-1'],
    ['MFA_ENCRYPTION_KEYS', 'k1:dG9vLXNob3J0'],
    ['MFA_CODE_LIMIT', '0'],
    ['WEBAUTHN_RP_ID', 'https://example.com'],
    ['WEBAUTHN_CHALLENGE_TTL_SECONDS', '5'],
  ])('refuses an invalid %s', (name, value) => {
    expect(problemsOf({ [name]: value }).map((p) => p.split(':')[0])).toEqual([name]);
  });

  it("binds passkeys to APP_URL's host or a domain it belongs to, and nothing else", () => {
    const app = { APP_URL: 'https://app.example.com' };
    expect(webauthnConfig(validateEnv(app)).rpId).toBe('app.example.com');
    expect(webauthnConfig(validateEnv(app)).origin).toBe('https://app.example.com');
    expect(webauthnConfig(validateEnv({ ...app, WEBAUTHN_RP_ID: 'example.com' })).rpId).toBe('example.com');
    for (const rpId of ['evil.com', 'pp.example.com', 'other.app.example.com']) {
      expect(problemsOf({ ...app, WEBAUTHN_RP_ID: rpId })).toEqual([
        "WEBAUTHN_RP_ID: must be APP_URL's host name or a domain it belongs to",
      ]);
    }
  });
});
