import { createServer, type AddressInfo } from 'node:net';
import { startOidcProvider, type OidcProviderEmulator } from 'offline-emulators';
import {
  ApiProcess,
  createTestApp,
  eventually,
  signUp,
  spawnApi,
  startTestBackends,
  TestApp,
  TestBackends,
} from './harness';
import { TestBrowser } from './oidc-testing';

// The in-process app below must be this file's first (the JSON logger behind its log capture is set up once per
// file).
describe('A provider that cannot be discovered', () => {
  let op: OidcProviderEmulator;
  let t: TestApp;

  let gone: string;

  beforeAll(async () => {
    op = await startOidcProvider();
    // An issuer on a port nothing listens on any more.
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    gone = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/gone`;
    await new Promise((resolve) => server.close(resolve));
    t = await createTestApp({
      OIDC_PROVIDERS: 'local,broken',
      OIDC_LOCAL_ISSUER: op.issuer,
      OIDC_LOCAL_CLIENT_ID: op.clientId,
      OIDC_LOCAL_CLIENT_SECRET: op.clientSecret,
      OIDC_BROKEN_ISSUER: gone,
      OIDC_BROKEN_CLIENT_ID: 'lingo',
      OIDC_BROKEN_CLIENT_SECRET: 'broken-secret',
      OIDC_DISCOVERY_RETRY_BASE_MS: '100',
      OIDC_DISCOVERY_RETRY_MAX_MS: '1000',
    });
  });
  afterAll(async () => {
    await t.close();
    await op.close();
  });

  it('leaves the API up and ready, reported by readiness and health, retried, and in the log', async () => {
    await eventually(() => t.logs.lines.filter((l) => l.includes('provider broken: discovery')).length >= 2);
    const ready = await t.http().get('/api/health/ready').expect(200);
    expect(ready.body.info.oidc).toMatchObject({
      status: 'up',
      undiscovered: ['broken'],
      providers: {
        local: { discovered: true, issuer: op.issuer },
        broken: {
          discovered: false,
          issuer: gone,
          failedAttempts: expect.any(Number),
          lastError: expect.stringMatching(/^the provider did not answer: .*fetch failed.*ECONNREFUSED/),
          nextAttemptAt: expect.any(String),
        },
      },
    });
    expect(ready.body.info.oidc.providers.broken.failedAttempts).toBeGreaterThanOrEqual(2);
    const health = await t.http().get('/api/health').expect(200);
    expect(health.body.info.oidc.undiscovered).toEqual(['broken']);
    expect(t.logs.lines.find((l) => l.includes('provider broken: discovery'))).toMatch(
      `discovery of ${gone} failed (attempt 1, next in 100 ms)`,
    );
    expect(t.logs.lines.join('\n')).not.toContain('broken-secret');

    const res = await t.http().get('/api/auth/oidc/broken').expect(503);
    expect(res.body).toEqual({
      statusCode: 503,
      message: 'Sign-in with Broken is unavailable right now; please try again later',
      error: 'Service Unavailable',
    });
    expect(await t.db.collection('oidc_flows').countDocuments()).toBe(0);
    const user = await signUp(t);
    await t.http().get('/api/chats/token').set('Cookie', user.cookie).expect(200);
    expect((await t.http().get('/api/auth/oidc/local')).status).toBe(302);
  });
});

// The compiled API require()s openid-client (ESM-only) natively (Node >= 20.19): no jest transform in the way.
describe('node dist/main.js with a sign-in provider', () => {
  let op: OidcProviderEmulator;
  let backends: TestBackends;
  let api: ApiProcess | undefined;

  beforeAll(async () => {
    op = await startOidcProvider();
    backends = await startTestBackends();
  });
  afterAll(async () => {
    api?.child.kill('SIGKILL');
    await backends.close();
    await op.close();
  });

  it('discovers the provider and signs a user in over the whole redirect chain', async () => {
    api = await spawnApi({
      ...backends.env,
      OIDC_PROVIDERS: 'local',
      OIDC_LOCAL_ISSUER: op.issuer,
      OIDC_LOCAL_CLIENT_ID: op.clientId,
      OIDC_LOCAL_CLIENT_SECRET: op.clientSecret,
      REQUIRE_VERIFIED_EMAIL: 'login',
      USER_EXISTS_CACHE_MS: '0',
    });
    const origin = new URL(api.base).origin;
    await eventually(async () => {
      const ready = (await (await fetch(`${api!.base}/health/ready`)).json()) as {
        info?: { oidc?: { undiscovered?: string[] } };
      };
      return ready.info?.oidc?.undiscovered?.length === 0;
    });
    const browser = new TestBrowser(origin);
    op.setNextSignIn({ email: 'built@lingo.test', name: 'Built' });
    const { location } = await browser.signIn('/api/auth/oidc/local');
    expect(location.href).toBe('http://localhost:5173/');
    const me = await browser.fetch('/api/auth/me');
    expect(await me.json()).toMatchObject({ user: { email: 'built@lingo.test', fullName: 'Built' } });

    op.failNextIdToken('bad-signature');
    op.setNextSignIn({ email: 'forged@lingo.test' });
    const refused = await new TestBrowser(origin).signIn('/api/auth/oidc/local');
    expect(refused.location.href).toBe('http://localhost:5173/?error=sign_in_refused&provider=local');
    expect(api.output()).toContain('provider local: discovered');

    // REQUIRE_VERIFIED_EMAIL=login holds for provider sign-ins too: an account that lost its verified state (as
    // one from before verification existed) gets no session until it verifies.
    const built = await backends.db.collection('users').findOne({ email: 'built@lingo.test' });
    await backends.db.collection('users').updateOne({ _id: built!._id }, { $unset: { emailVerifiedAt: '' } });
    const sessions = await backends.db.collection('sessions').countDocuments();
    op.setNextSignIn({ email: 'built@lingo.test' });
    const unverified = await new TestBrowser(origin).signIn('/api/auth/oidc/local');
    expect(unverified.location.href).toBe('http://localhost:5173/?error=verify_email_first&provider=local');
    expect(await backends.db.collection('sessions').countDocuments()).toBe(sessions);
  });
});
