import { EnvValidationError, validateEnv } from './validate-env';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    validateEnv(env);
  } catch (error) {
    if (error instanceof EnvValidationError) return error.problems;
    throw error;
  }
  return [];
};

const google = {
  OIDC_GOOGLE_ISSUER: 'https://accounts.google.com',
  OIDC_GOOGLE_CLIENT_ID: 'google-client',
  OIDC_GOOGLE_CLIENT_SECRET: 'google-secret-value',
};
const production = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://mongo:27017/lingo',
  JWT_SECRET_KEY: 'x'.repeat(32),
  STREAM_API_KEY: 'key',
  STREAM_API_SECRET: 's'.repeat(40),
  SMTP_URL: 'smtp://mail.internal:587',
  MFA_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
};

describe('OIDC provider variables (validateEnv)', () => {
  it('has no provider by default', () => {
    expect(validateEnv({}).oidcProviders).toEqual([]);
  });

  it('reads several providers, each from its own variables, with the default scopes', () => {
    const env = validateEnv({
      OIDC_PROVIDERS: ' google , corp_sso',
      ...google,
      OIDC_CORP_SSO_ISSUER: 'https://sso.corp.example/realms/staff',
      OIDC_CORP_SSO_CLIENT_ID: 'lingo',
      OIDC_CORP_SSO_CLIENT_SECRET: 'corp-secret',
      OIDC_CORP_SSO_SCOPES: 'openid email',
    });
    expect(env.oidcProviders).toEqual([
      {
        name: 'google',
        issuer: 'https://accounts.google.com',
        clientId: 'google-client',
        clientSecret: 'google-secret-value',
        scopes: 'openid email profile',
        insecure: false,
      },
      {
        name: 'corp_sso',
        issuer: 'https://sso.corp.example/realms/staff',
        clientId: 'lingo',
        clientSecret: 'corp-secret',
        scopes: 'openid email',
        insecure: false,
      },
    ]);
  });

  it('names every bad variable of every provider at once, never a value', () => {
    const problems = problemsOf({
      OIDC_PROVIDERS: 'google,apple',
      OIDC_GOOGLE_ISSUER: 'ftp://accounts.google.com',
      OIDC_GOOGLE_CLIENT_SECRET: 'google-secret-value',
      OIDC_GOOGLE_SCOPES: 'email profile',
      OIDC_APPLE_ISSUER: 'https://appleid.apple.com?x=1',
      OIDC_APPLE_CLIENT_ID: 'apple-client',
    });
    expect(problems).toEqual([
      'OIDC_GOOGLE_ISSUER: must be an https URL (http only on a loopback host)',
      'OIDC_GOOGLE_CLIENT_ID: is required',
      'OIDC_GOOGLE_SCOPES: must be space-separated scopes, openid among them',
      'OIDC_APPLE_ISSUER: must be an https URL without credentials, query or fragment',
      'OIDC_APPLE_CLIENT_SECRET: is required',
    ]);
    expect(problems.join()).not.toMatch(/google-secret-value|apple-client|accounts\.google/);
  });

  it('refuses a bad or repeated provider name', () => {
    expect(problemsOf({ OIDC_PROVIDERS: 'Google' })).toEqual([
      'OIDC_PROVIDERS: each name must be 1 to 32 lowercase letters, digits or _, starting with a letter',
    ]);
    expect(problemsOf({ OIDC_PROVIDERS: 'google,google', ...google })).toEqual([
      'OIDC_PROVIDERS: lists a provider twice',
    ]);
    expect(problemsOf({ OIDC_PROVIDERS: 'a-b' })).toEqual([
      'OIDC_PROVIDERS: OIDC_PROVIDERS must be a comma-separated list of provider names',
    ]);
  });

  it('allows an http issuer only on a loopback host (a local provider), in production too', () => {
    const local = (issuer: string, extra: Record<string, string> = {}) => ({
      OIDC_PROVIDERS: 'local',
      OIDC_LOCAL_ISSUER: issuer,
      OIDC_LOCAL_CLIENT_ID: 'lingo-local',
      OIDC_LOCAL_CLIENT_SECRET: 'secret',
      ...extra,
    });
    expect(validateEnv(local('http://127.0.0.1:4000')).oidcProviders[0].insecure).toBe(true);
    expect(validateEnv(local('http://localhost:4000')).oidcProviders[0].insecure).toBe(true);
    expect(problemsOf(local('http://idp.example.com'))).toEqual([
      'OIDC_LOCAL_ISSUER: must be an https URL (http only on a loopback host)',
    ]);
    const onThisHost = {
      ...production,
      ...local('http://127.0.0.1:4000'),
      API_PUBLIC_URL: 'http://localhost:5000',
    };
    expect(validateEnv(onThisHost).oidcProviders[0].insecure).toBe(true);
    expect(problemsOf({ ...onThisHost, OIDC_LOCAL_ISSUER: 'http://idp.example.com' })).toEqual([
      'OIDC_LOCAL_ISSUER: must be an https URL (http only on a loopback host)',
    ]);
  });

  it('requires an https API_PUBLIC_URL in production once a provider is configured', () => {
    expect(problemsOf({ ...production, OIDC_PROVIDERS: 'google', ...google })).toEqual([
      'API_PUBLIC_URL: is required in production when OIDC_PROVIDERS is set',
    ]);
    expect(
      problemsOf({
        ...production,
        OIDC_PROVIDERS: 'google',
        ...google,
        API_PUBLIC_URL: 'http://api.example.com',
      }),
    ).toEqual(['API_PUBLIC_URL: must be https in production (http only on a loopback host)']);
    expect(
      validateEnv({
        ...production,
        OIDC_PROVIDERS: 'google',
        ...google,
        API_PUBLIC_URL: 'https://api.example.com',
      }).oidcProviders,
    ).toHaveLength(1);
    expect(problemsOf(production)).toEqual([]);
  });
});
