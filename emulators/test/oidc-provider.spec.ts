import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import {
  followAuthorization,
  ID_TOKEN_FAULTS,
  startOidcProvider,
  subForEmail,
  type OidcProviderEmulator,
} from '../src/oidc';
import { startStandIns } from '../src/stand-ins';

// The relying party is openid-client v6, the library the API will use, against the real server over HTTP.
describe('OIDC provider emulator (openid-client as the relying party)', () => {
  const redirectUri = 'http://127.0.0.1:45678/api/auth/oidc/local/callback';
  const ana = { email: 'ana@lingo.test', name: 'Ana', picture: 'http://127.0.0.1/ana.png' };
  const ben = { sub: 'ben-1', email: 'ben@lingo.test', email_verified: false, name: 'Ben' };
  let op: OidcProviderEmulator;
  let config: client.Configuration;

  // As the API must configure openid-client: it refuses http issuers unless allowInsecureRequests (loopback issuers
  // outside production only), and it checks an ID token's signature only with enableNonRepudiationChecks.
  const discover = (
    auth?: client.ClientAuth,
    execute = [client.allowInsecureRequests, client.enableNonRepudiationChecks],
  ): Promise<client.Configuration> =>
    client.discovery(new URL(op.issuer), op.clientId, op.clientSecret, auth, { execute });

  /** What the API will do: an authorization URL with PKCE, state and nonce, and the code grant at the callback. */
  async function startSignIn(params: Record<string, string> = {}, cfg = config) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(cfg, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...params,
    });
    const grant = (callback: URL, checks: client.AuthorizationCodeGrantChecks = {}) =>
      client.authorizationCodeGrant(cfg, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        ...checks,
      });
    return { url, state, verifier, grant };
  }

  async function signIn(params: Record<string, string> = {}, cfg = config) {
    const { url, grant } = await startSignIn(params, cfg);
    const callback = await followAuthorization(url);
    return { callback, tokens: await grant(callback) };
  }

  const post = (path: string, body: unknown) =>
    fetch(`${op.controlUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    op = await startOidcProvider({ users: [ana, ben] });
    config = await discover();
  });
  afterAll(() => op.close());
  beforeEach(() => op.reset());

  it('serves discovery for the code flow with PKCE S256, and a JWKS with one public RS256 key', async () => {
    const metadata = config.serverMetadata();
    expect(metadata).toMatchObject({
      issuer: op.issuer,
      authorization_endpoint: `${op.issuer}/auth`,
      token_endpoint: `${op.issuer}/token`,
      userinfo_endpoint: `${op.issuer}/me`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: expect.arrayContaining(['RS256']),
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['openid', 'email', 'profile']));
    const jwks = (await (await fetch(metadata.jwks_uri!)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig' })]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('is refused by openid-client over http unless the relying party allows insecure requests', async () => {
    await expect(client.discovery(new URL(op.issuer), op.clientId, op.clientSecret)).rejects.toThrow(
      /only requests to HTTPS are allowed/,
    );
  });

  /** A browser that keeps its cookies (in `jar`) between sign-ins; returns each redirect it followed. */
  async function browse(url: URL, jar = new Map<string, string>()): Promise<URL[]> {
    const hops: URL[] = [];
    for (let next = url; next.origin === new URL(op.issuer).origin; hops.push(next)) {
      const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
      const res = await fetch(next, { redirect: 'manual', headers: { cookie } });
      for (const [, name, value] of res.headers.getSetCookie().map((c) => /^([^=]+)=([^;]*)/.exec(c)!)) {
        jar.set(name, value);
      }
      expect(res.status).toBe(303);
      next = new URL(res.headers.get('location')!, next);
    }
    return hops;
  }

  it('answers an authorization request with three redirects and no page: interaction, resume, redirect_uri', async () => {
    const { url, state } = await startSignIn();
    const hops = await browse(url);
    expect(hops.map((hop) => hop.pathname)).toEqual([
      expect.stringMatching(/^\/interaction\/[\w-]+$/),
      expect.stringMatching(/^\/auth\/[\w-]+$/),
      '/api/auth/oidc/local/callback',
    ]);
    const callback = hops[2];
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
    expect(Object.fromEntries(callback.searchParams)).toEqual({
      code: expect.any(String),
      state,
      iss: op.issuer,
    });
  });

  it('signs in anew on every request, even for a browser that kept its session cookie (no single sign-on)', async () => {
    const jar = new Map<string, string>();
    const first = await startSignIn({ login_hint: ana.email });
    const firstTokens = await first.grant((await browse(first.url, jar)).at(-1)!);
    expect(firstTokens.claims()!.email).toBe(ana.email);
    expect(jar.get('_session')).toEqual(expect.any(String));
    const second = await startSignIn({ login_hint: ben.email });
    const secondTokens = await second.grant((await browse(second.url, jar)).at(-1)!);
    expect(secondTokens.claims()!.email).toBe(ben.email);
  });

  it('completes the code flow: openid-client validates the ID token and its claims match userinfo', async () => {
    const { tokens } = await signIn();
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: op.issuer,
      aud: op.clientId,
      sub: subForEmail(ana.email),
      email: ana.email,
      email_verified: true,
      name: ana.name,
      picture: ana.picture,
    });
    expect(tokens.token_type).toBe('bearer');
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo).toEqual({
      sub: claims.sub,
      email: ana.email,
      email_verified: true,
      name: ana.name,
      picture: ana.picture,
    });
  });

  it('signs in the user login_hint names: a configured one, or one derived stably from the email', async () => {
    expect((await signIn({ login_hint: 'BEN@lingo.test' })).tokens.claims()).toMatchObject({
      sub: 'ben-1',
      email: ben.email,
      email_verified: false,
    });
    const zoe = (await signIn({ login_hint: 'zoe@lingo.test' })).tokens.claims()!;
    expect(zoe).toMatchObject({
      sub: subForEmail('zoe@lingo.test'),
      email: 'zoe@lingo.test',
      email_verified: true,
    });
    expect((await signIn({ login_hint: 'zoe@lingo.test' })).tokens.claims()!.sub).toBe(zoe.sub);
  });

  it('sends an authorization error back to the client when login_hint is not an email', async () => {
    const { url, state } = await startSignIn({ login_hint: 'not-an-email' });
    const callback = await followAuthorization(url);
    expect(Object.fromEntries(callback.searchParams)).toMatchObject({
      error: 'invalid_request',
      error_description: 'login_hint must be an email address',
      state,
    });
  });

  it('signs in the next-sign-in user once, set in process or over HTTP', async () => {
    op.setNextSignIn({ sub: 'g-42', email: 'kim@lingo.test', email_verified: false, name: 'Kim' });
    expect((await signIn({ login_hint: ben.email })).tokens.claims()).toMatchObject({
      sub: 'g-42',
      email: 'kim@lingo.test',
      email_verified: false,
      name: 'Kim',
    });
    expect((await signIn()).tokens.claims()!.email).toBe(ana.email);

    expect(
      (await post('/next-sign-in', { email: 'lee@lingo.test', picture: 'http://127.0.0.1/l.png' })).status,
    ).toBe(204);
    expect((await signIn()).tokens.claims()).toMatchObject({
      sub: subForEmail('lee@lingo.test'),
      email: 'lee@lingo.test',
      picture: 'http://127.0.0.1/l.png',
    });
  });

  it('authenticates the client with client_secret_basic as with client_secret_post, and refuses a wrong secret', async () => {
    const basic = await discover(client.ClientSecretBasic(op.clientSecret));
    expect((await signIn({}, basic)).tokens.claims()!.email).toBe(ana.email);
    const wrong = await discover(client.ClientSecretBasic('not-the-secret'));
    const { url, grant } = await startSignIn({}, wrong);
    await expect(grant(await followAuthorization(url))).rejects.toMatchObject({
      status: 401,
      cause: [{ scheme: 'basic', parameters: { error: 'invalid_client' } }],
    });
  });

  it('requires PKCE: an authorization request without code_challenge gets an error back', async () => {
    const url = client.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid' });
    const callback = await followAuthorization(url);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('refuses a wrong code_verifier, and a code redeemed twice (revoking what it issued)', async () => {
    const { url, grant } = await startSignIn();
    const callback = await followAuthorization(url);
    await expect(
      grant(callback, { pkceCodeVerifier: client.randomPKCECodeVerifier() }),
    ).rejects.toMatchObject({
      error: 'invalid_grant',
    });

    const second = await startSignIn();
    const secondCallback = await followAuthorization(second.url);
    const tokens = await second.grant(secondCallback);
    await expect(second.grant(secondCallback)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(
      client.fetchUserInfo(config, tokens.access_token, client.skipSubjectCheck),
    ).rejects.toMatchObject({
      status: 401,
    });
  });

  it.each(['http://localhost:1234/cb', 'http://[::1]:5/a/b?x=1', 'https://127.0.0.1/callback'])(
    'accepts the loopback redirect_uri %s with any port and path',
    async (uri) => {
      const { url } = await startSignIn({ redirect_uri: uri });
      const callback = await followAuthorization(url);
      expect(`${callback.origin}${callback.pathname}`).toBe(`${new URL(uri).origin}${new URL(uri).pathname}`);
      expect(callback.searchParams.get('code')).toEqual(expect.any(String));
    },
  );

  it.each(['https://lingo.example/callback', 'http://10.0.0.1/cb', 'http://127.0.0.1.evil.test/cb'])(
    'refuses the redirect_uri %s with a 400 instead of redirecting there',
    async (uri) => {
      const { url } = await startSignIn({ redirect_uri: uri });
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.json()).toMatchObject({ error: 'invalid_redirect_uri' });
    },
  );

  // openid-client throws a ClientError whose cause names the failed check.
  const rejections: Record<(typeof ID_TOKEN_FAULTS)[number], RegExp> = {
    'wrong-audience': /^unexpected JWT "aud" \(audience\) claim value$/,
    expired: /^unexpected JWT "exp" \(expiration time\) claim value, expiration is past current timestamp$/,
    unsigned: /^unexpected JWT "alg" header parameter$/,
    'bad-signature': /^JWT signature verification failed$/,
    'wrong-issuer': /^unexpected JWT "iss" \(issuer\) claim value$/,
    'wrong-nonce': /^unexpected ID Token "nonce" claim value$/,
  };
  it.each(ID_TOKEN_FAULTS)('makes authorizationCodeGrant reject a %s ID token, once', async (fault) => {
    op.failNextIdToken(fault);
    const error = await signIn().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(client.ClientError);
    expect((error?.cause as Error).message).toMatch(rejections[fault]);
    expect((await signIn()).tokens.claims()!.email).toBe(ana.email);
  });

  it('has a bad-signature ID token pass every other check: without enableNonRepudiationChecks it is accepted', async () => {
    const unchecked = await discover(undefined, [client.allowInsecureRequests]);
    op.failNextIdToken('bad-signature');
    expect((await signIn({}, unchecked)).tokens.claims()).toMatchObject({ iss: op.issuer, aud: op.clientId });
  });

  it('injects a fault over HTTP, changing nothing in the token response but the ID token', async () => {
    expect((await post('/id-token-fault', { fault: 'wrong-audience' })).status).toBe(204);
    const { url, verifier } = await startSignIn();
    const callback = await followAuthorization(url);
    const res = await fetch(`${op.issuer}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        redirect_uri: redirectUri,
        code_verifier: verifier,
        client_id: op.clientId,
        client_secret: op.clientSecret,
      }),
    });
    const body = (await res.json()) as Record<string, string>;
    expect(res.status).toBe(200);
    expect(body).toMatchObject({
      access_token: expect.any(String),
      token_type: 'Bearer',
      scope: 'openid email profile',
    });
    const jwks = (await (await fetch(`${op.issuer}/jwks`)).json()) as { keys: { kid: string }[] };
    expect(decodeProtectedHeader(body.id_token)).toEqual({ alg: 'RS256', kid: jwks.keys[0].kid });
    expect(decodeJwt(body.id_token)).toMatchObject({
      aud: 'another-client',
      iss: op.issuer,
      email: ana.email,
    });
  });

  it('answers 400 to a bad control request, 404 to an unknown one and 405 to a GET', async () => {
    expect(await (await post('/id-token-fault', { fault: 'late' })).json()).toEqual({
      error: 'unknown ID token fault "late"',
    });
    expect((await post('/next-sign-in', { name: 'No Id' })).status).toBe(400);
    expect((await post('/next-sign-in', { email: 'a@b.c', role: 'admin' })).status).toBe(400);
    expect((await post('/nothing', {})).status).toBe(404);
    expect((await fetch(`${op.controlUrl}/reset`)).status).toBe(405);
  });

  it('loads openid-client in a CommonJS process with require(), as the compiled API will', async () => {
    const script = `
      const client = require('openid-client');
      client
        .discovery(new URL(process.argv[1]), process.argv[2], undefined, undefined, {
          execute: [client.allowInsecureRequests],
        })
        .then((c) => console.log(c.serverMetadata().issuer), (e) => { console.error(e); process.exit(1); });`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, op.issuer, op.clientId]);
    expect(stdout.trim()).toBe(op.issuer);
  });
});

describe('startStandIns with oidc: true', () => {
  it('starts a provider openid-client can discover, and stops it', async () => {
    const quiet = () => undefined;
    const standIns = await startStandIns({
      mongo: false,
      stream: false,
      smtp: false,
      oidc: true,
      dataDir: '.mongo-data',
      dbName: 'lingo',
      log: quiet,
      warn: quiet,
    });
    const { issuer, clientId, clientSecret } = standIns.oidc!;
    const config = await client.discovery(new URL(issuer), clientId, clientSecret, undefined, {
      execute: [client.allowInsecureRequests],
    });
    expect(config.serverMetadata().issuer).toBe(issuer);
    await standIns.stop();
    await expect(fetch(`${issuer}/jwks`)).rejects.toThrow('fetch failed');
  });
});
