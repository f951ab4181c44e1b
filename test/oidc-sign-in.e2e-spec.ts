import type { AddressInfo } from 'node:net';
import { Types } from 'mongoose';
import { startOidcProvider, subForEmail, type OidcProviderEmulator } from 'offline-emulators';
import { createTestApp, eventually, TestApp } from './harness';
import { TestBrowser } from './oidc-browser';

const APP_URL = 'http://app.test/app';

describe('Sign-in with an OpenID Connect provider (against a real OIDC server)', () => {
  let op: OidcProviderEmulator;
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    op = await startOidcProvider();
    t = await createTestApp({
      APP_URL,
      OIDC_PROVIDERS: 'local',
      OIDC_LOCAL_ISSUER: op.issuer,
      OIDC_LOCAL_CLIENT_ID: op.clientId,
      OIDC_LOCAL_CLIENT_SECRET: op.clientSecret,
    });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    await eventually(async () => {
      const res = await t.http().get('/api/health/ready');
      return res.body?.info?.oidc?.providers?.local?.discovered === true;
    });
  });
  afterAll(async () => {
    await t.close();
    await op.close();
  });
  beforeEach(() => op.reset());

  it('signs a new user in over the whole redirect chain: a session, a chat token, a Stream user with the claims', async () => {
    const browser = new TestBrowser(base);
    const ana = { email: 'ana@lingo.test', name: 'Ana From OIDC', picture: 'https://img.lingo.test/ana.png' };
    op.setNextSignIn(ana);

    const start = await browser.fetch('/api/auth/oidc/local?returnTo=%2Fapp%2Fhome');
    expect(start.status).toBe(302);
    const providerUrl = new URL(start.headers.get('location')!);
    expect(`${providerUrl.origin}${providerUrl.pathname}`).toBe(`${op.issuer}/auth`);
    expect(Object.fromEntries(providerUrl.searchParams)).toMatchObject({
      client_id: op.clientId,
      response_type: 'code',
      redirect_uri: `${base}/api/auth/oidc/local/callback`,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      state: expect.any(String),
      nonce: expect.any(String),
    });

    const hops = await browser.finishAt(providerUrl);
    expect(hops.done.status).toBe(302);
    expect(hops.location.href).toBe('http://app.test/app/home');

    const me = await t.http().get('/api/auth/me').set('Cookie', browser.sessionCookie()).expect(200);
    expect(me.body.user).toMatchObject({ email: ana.email, fullName: ana.name, profilePic: ana.picture });
    const chat = await t.http().get('/api/chats/token').set('Cookie', browser.sessionCookie()).expect(200);
    expect(chat.body.userId).toBe(me.body.user._id);
    expect(t.stream.state.users.get(me.body.user._id)).toMatchObject({ name: ana.name, image: ana.picture });

    const stored = await t.db
      .collection('identities')
      .findOne({ user: new Types.ObjectId(me.body.user._id) });
    expect(stored).toMatchObject({ provider: 'local', issuer: op.issuer, subject: subForEmail(ana.email) });
  });
});
