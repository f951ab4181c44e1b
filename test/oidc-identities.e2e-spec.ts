import { Types } from 'mongoose';
import {
  startOidcProvider,
  subForEmail,
  type OidcProviderEmulator,
  type OidcTestUserInput,
} from 'offline-emulators';
import { signUp, SignedUpUser, TestApp } from './harness';
import { createOidcTestApp, TestBrowser } from './oidc-testing';

const APP_URL = 'http://app.test';

describe('Identities linked to my account (/api/auth/identities)', () => {
  let op: OidcProviderEmulator;
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    op = await startOidcProvider();
    ({ t, base } = await createOidcTestApp(op, { APP_URL }));
  });
  afterAll(async () => {
    await t.close();
    await op.close();
  });
  beforeEach(() => op.reset());

  let counter = 0;
  const person = (): OidcTestUserInput => {
    counter += 1;
    return { email: `linked${counter}@lingo.test`, name: `Linked ${counter}` };
  };

  /** A signed-up (password) user with their own browser, its session cookie in the jar. */
  async function passwordUser(): Promise<SignedUpUser & { browser: TestBrowser }> {
    const user = await signUp(t);
    const browser = new TestBrowser(base);
    browser.jar.set('jwt', user.cookie.slice('jwt='.length));
    return { ...user, browser };
  }

  /** POST /api/auth/identities/local from this browser, then the provider, then the callback. */
  async function link(browser: TestBrowser, as: OidcTestUserInput, returnTo?: string) {
    const res = await browser.fetch('/api/auth/identities/local', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(returnTo ? { returnTo } : {}),
    });
    expect(res.status).toBe(200);
    const { url } = (await res.json()) as { url: string };
    op.setNextSignIn(as);
    return browser.finishAt(new URL(url));
  }

  /** A user created by signing in with the provider (no password), with their browser. */
  async function providerUser(as = person()) {
    const browser = new TestBrowser(base);
    op.setNextSignIn(as);
    await browser.signIn('/api/auth/oidc/local');
    const me = await t.http().get('/api/auth/me').set('Cookie', browser.sessionCookie()).expect(200);
    return { id: me.body.user._id as string, browser, email: as.email! };
  }

  const list = (cookie: string) => t.http().get('/api/auth/identities').set('Cookie', cookie);
  const identitiesOf = (id: string) =>
    t.db.collection('identities').countDocuments({ user: new Types.ObjectId(id) });

  describe('link mode', () => {
    it('links the provider to my account, keeps my session, and then signs me in with it', async () => {
      const me = await passwordUser();
      const other = person();
      const sessions = await t.db.collection('sessions').countDocuments();
      const hops = await link(me.browser, other, '/settings');
      expect(hops.done.status).toBe(302);
      expect(hops.location.href).toBe('http://app.test/settings?linked=local');
      expect(hops.done.headers.getSetCookie().some((c) => c.startsWith('jwt='))).toBe(false);
      expect(await t.db.collection('sessions').countDocuments()).toBe(sessions);
      expect(await identitiesOf(me.id)).toBe(1);

      // Another email at the provider than the account's: an explicit link is the user's own choice.
      const again = new TestBrowser(base);
      op.setNextSignIn(other);
      await again.signIn('/api/auth/oidc/local');
      const signedIn = await t.http().get('/api/auth/me').set('Cookie', again.sessionCookie()).expect(200);
      expect(signedIn.body.user._id).toBe(me.id);
      expect(await t.db.collection('users').countDocuments({ email: other.email })).toBe(0);
    });

    it('answers { url } to a POST with the flow cookie set, and starts nothing for a 4xx', async () => {
      const me = await passwordUser();
      const res = await t
        .http()
        .post('/api/auth/identities/local')
        .set('Cookie', me.cookie)
        .send({ returnTo: 'https://evil.example/' })
        .expect(400);
      expect(res.body.message).toBe('returnTo must be an address inside the app (APP_URL)');
      await t.http().post('/api/auth/identities/local').send({}).expect(401);
      await t.http().post('/api/auth/identities/google').set('Cookie', me.cookie).send({}).expect(404);
      expect(await t.db.collection('oidc_flows').countDocuments()).toBe(0);

      const ok = await t
        .http()
        .post('/api/auth/identities/local')
        .set('Cookie', me.cookie)
        .send({})
        .expect(200);
      expect(Object.keys(ok.body)).toEqual(['url']);
      expect(new URL(ok.body.url as string).origin).toBe(op.issuer);
      expect(String(ok.headers['set-cookie'])).toMatch(
        /oidc_flow=[\w-]{43}; Max-Age=600; Path=\/api\/auth\/oidc/,
      );
      await t.db.collection('oidc_flows').deleteMany({});
    });

    it('refuses an identity already linked to another account (identity_in_use), changing nothing', async () => {
      const owner = await providerUser();
      const me = await passwordUser();
      const hops = await link(me.browser, { email: owner.email });
      expect(hops.location.href).toBe(`${APP_URL}/?error=identity_in_use&provider=local`);
      expect(await identitiesOf(me.id)).toBe(0);
      expect(await identitiesOf(owner.id)).toBe(1);
    });

    it('is a no-op for an identity already linked to me', async () => {
      const me = await passwordUser();
      const mine = person();
      await link(me.browser, mine);
      const hops = await link(me.browser, mine);
      expect(hops.location.href).toBe(`${APP_URL}/?linked=local`);
      expect(await identitiesOf(me.id)).toBe(1);
    });

    it('links nothing once the session that started it has ended', async () => {
      const me = await passwordUser();
      const res = await me.browser.fetch('/api/auth/identities/local', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      const { url } = (await res.json()) as { url: string };
      await t.http().post('/api/auth/logout').set('Cookie', me.cookie).expect(200);
      op.setNextSignIn(person());
      const hops = await me.browser.finishAt(new URL(url));
      expect(hops.location.href).toBe(`${APP_URL}/?error=invalid_state&provider=local`);
      expect(await identitiesOf(me.id)).toBe(0);
    });
  });

  describe('GET and DELETE', () => {
    it('lists mine (provider, email, dates; never a token, a subject or an issuer)', async () => {
      const me = await passwordUser();
      const a = person();
      await link(me.browser, a);
      const res = await list(me.cookie).expect(200);
      expect(res.body).toEqual({
        identities: [
          {
            id: expect.stringMatching(/^[0-9a-f]{24}$/),
            provider: 'local',
            email: a.email,
            createdAt: expect.any(String),
            lastUsedAt: expect.any(String),
          },
        ],
      });
      expect(JSON.stringify(res.body)).not.toContain(subForEmail(a.email!));
      await t.http().get('/api/auth/identities').expect(401);
    });

    it('removes one of mine (204); 404 for anyone else’s, which stays', async () => {
      const me = await passwordUser();
      await link(me.browser, person());
      const [mine] = (await list(me.cookie)).body.identities as { id: string }[];
      const stranger = await passwordUser();
      await t.http().delete(`/api/auth/identities/${mine.id}`).set('Cookie', stranger.cookie).expect(404);
      await t.http().delete('/api/auth/identities/not-an-id').set('Cookie', me.cookie).expect(404);
      expect(await identitiesOf(me.id)).toBe(1);

      await t.http().delete(`/api/auth/identities/${mine.id}`).set('Cookie', me.cookie).expect(204);
      expect((await list(me.cookie)).body.identities).toEqual([]);
      await t.http().delete(`/api/auth/identities/${mine.id}`).set('Cookie', me.cookie).expect(404);
    });

    it('refuses (409) to remove the last way to sign in: no password and no other identity', async () => {
      const me = await providerUser();
      const [only] = (await list(me.browser.sessionCookie())).body.identities as { id: string }[];
      const refused = await t
        .http()
        .delete(`/api/auth/identities/${only.id}`)
        .set('Cookie', me.browser.sessionCookie())
        .expect(409);
      expect(refused.body).toEqual({
        statusCode: 409,
        message:
          'This is the only way to sign in to this account: set a password (password reset flow) or link ' +
          'another provider before removing it',
        error: 'Conflict',
      });
      const stored = await t.db
        .collection('identities')
        .find({ user: new Types.ObjectId(me.id) })
        .toArray();
      expect(stored.map((i) => i._id.toString())).toEqual([only.id]);

      // With a second identity, either one may go, but not both.
      await link(me.browser, person());
      const both = (await list(me.browser.sessionCookie())).body.identities as { id: string }[];
      expect(both).toHaveLength(2);
      const results = await Promise.all(
        both.map((i) =>
          t.http().delete(`/api/auth/identities/${i.id}`).set('Cookie', me.browser.sessionCookie()),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual(expect.arrayContaining([409]));
      expect(await identitiesOf(me.id)).toBeGreaterThanOrEqual(1);
    });

    it('lets a user with a password remove their only identity', async () => {
      const me = await passwordUser();
      await link(me.browser, person());
      const [only] = (await list(me.cookie)).body.identities as { id: string }[];
      await t.http().delete(`/api/auth/identities/${only.id}`).set('Cookie', me.cookie).expect(204);
      expect(await identitiesOf(me.id)).toBe(0);
    });
  });

  it('puts my identities (issuer, subject, provider, dates) in my data export, never a token', async () => {
    const me = await providerUser();
    const res = await t
      .http()
      .get('/api/users/me/export')
      .set('Cookie', me.browser.sessionCookie())
      .expect(200);
    expect(res.body.identities).toEqual([
      {
        provider: 'local',
        issuer: op.issuer,
        subject: subForEmail(me.email),
        email: me.email,
        createdAt: expect.any(String),
        lastUsedAt: expect.any(String),
      },
    ]);
  });

  it('deletes my identities with my account: the provider then makes a new account', async () => {
    const me = await passwordUser();
    const mine = person();
    await link(me.browser, mine);
    await t
      .http()
      .delete('/api/users/me')
      .set('Cookie', me.cookie)
      .send({ password: me.password })
      .expect(204);
    expect(await identitiesOf(me.id)).toBe(0);

    const browser = new TestBrowser(base);
    op.setNextSignIn(mine);
    await browser.signIn('/api/auth/oidc/local');
    const again = await t.http().get('/api/auth/me').set('Cookie', browser.sessionCookie()).expect(200);
    expect(again.body.user._id).not.toBe(me.id);
    expect(again.body.user.email).toBe(mine.email);
  });
});
