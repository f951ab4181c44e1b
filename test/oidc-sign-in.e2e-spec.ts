import { Types } from 'mongoose';
import {
  followAuthorization,
  ID_TOKEN_FAULTS,
  startOidcProvider,
  subForEmail,
  type OidcProviderEmulator,
  type OidcTestUserInput,
} from 'offline-emulators';
import { AccountStandingService } from '../src/accounts/account-standing.service';
import { newAccount, signUp, TestApp } from './harness';
import { Mailbox } from './mailbox';
import { createOidcTestApp, TestBrowser } from './oidc-testing';
import { activateTotp } from './totp';

const APP_URL = 'http://app.test/app';

describe('Sign-in with an OpenID Connect provider (against a real OIDC server)', () => {
  let op: OidcProviderEmulator;
  let t: TestApp;
  let base: string;
  let mailbox: Mailbox;
  /** Every code and state the provider issued in these tests: none may reach a log line or a response. */
  const issued = new Set<string>();

  beforeAll(async () => {
    op = await startOidcProvider();
    ({ t, base } = await createOidcTestApp(op, { APP_URL }));
    mailbox = new Mailbox(t.mail, APP_URL);
  });
  afterAll(async () => {
    await t.close();
    await op.close();
  });
  beforeEach(() => op.reset());

  let counter = 0;
  const person = (overrides: Partial<OidcTestUserInput> = {}): OidcTestUserInput => {
    counter += 1;
    return { email: `person${counter}@lingo.test`, name: `Person ${counter}`, ...overrides };
  };

  /** A whole sign-in in a fresh browser as `user`; the hops, the browser, and what the callback received. */
  async function signIn(user: OidcTestUserInput, start = '/api/auth/oidc/local') {
    const browser = new TestBrowser(base);
    op.setNextSignIn(user);
    const hops = await browser.signIn(start);
    hops.callback.searchParams.forEach((value, name) => {
      if (name === 'code' || name === 'state') issued.add(value);
    });
    return { browser, ...hops };
  }

  /** A password account whose owner verified the address with the mailed link. */
  async function verifiedAccount(email: string) {
    const owner = await signUp(t, { email });
    const { token } = await mailbox.confirmation(email);
    await t.http().post('/api/auth/email/verify').send({ token }).expect(200);
    const me = await t.http().get('/api/auth/me').set('Cookie', owner.cookie).expect(200);
    expect(me.body.user.emailVerified).toBe(true);
    return owner;
  }

  const count = (collection: string, filter: Record<string, unknown> = {}) =>
    t.db.collection(collection).countDocuments(filter);
  const failure = (code: string, target = APP_URL) => `${target}?error=${code}&provider=local`;

  describe('a new user', () => {
    it('is signed in over the whole redirect chain: a session, a chat token, a Stream user with the claims', async () => {
      const browser = new TestBrowser(base);
      const ana = person({ name: 'Ana From OIDC', picture: 'https://img.lingo.test/ana.png' });
      op.setNextSignIn(ana);

      const start = await browser.fetch('/api/auth/oidc/local?returnTo=%2Fapp%2Fhome');
      expect(start.status).toBe(302);
      expect(start.headers.get('cache-control')).toBe('no-store');
      expect(await start.text()).toBe('');
      const flowCookie = start.headers.getSetCookie().find((c) => c.startsWith('oidc_flow='));
      expect(flowCookie).toMatch(/; Path=\/api\/auth\/oidc; .*HttpOnly; SameSite=Lax/);
      const providerUrl = new URL(start.headers.get('location')!);
      expect(`${providerUrl.origin}${providerUrl.pathname}`).toBe(`${op.issuer}/auth`);
      expect(Object.fromEntries(providerUrl.searchParams)).toEqual({
        client_id: op.clientId,
        response_type: 'code',
        redirect_uri: `${base}/api/auth/oidc/local/callback`,
        scope: 'openid email profile',
        code_challenge_method: 'S256',
        code_challenge: expect.stringMatching(/^[\w-]{43}$/),
        state: expect.stringMatching(/^[\w-]{43}$/),
        nonce: expect.stringMatching(/^[\w-]{43}$/),
      });

      const hops = await browser.finishAt(providerUrl);
      issued.add(hops.callback.searchParams.get('code')!);
      expect(hops.done.status).toBe(302);
      expect(hops.location.href).toBe('http://app.test/app/home');
      const jwtCookie = hops.done.headers.getSetCookie().find((c) => c.startsWith('jwt='));
      expect(jwtCookie).toMatch(/; Path=\/; .*HttpOnly; SameSite=Strict/);

      const me = await t.http().get('/api/auth/me').set('Cookie', browser.sessionCookie()).expect(200);
      expect(me.body.user).toMatchObject({
        email: ana.email,
        emailVerified: true,
        fullName: ana.name,
        profilePic: ana.picture,
      });
      const chat = await t.http().get('/api/chats/token').set('Cookie', browser.sessionCookie()).expect(200);
      expect(chat.body.userId).toBe(me.body.user._id);
      expect(t.stream.state.users.get(me.body.user._id)).toMatchObject({
        name: ana.name,
        image: ana.picture,
      });

      const user = new Types.ObjectId(me.body.user._id as string);
      const stored = await t.db.collection('users').findOne({ _id: user });
      expect(stored).not.toHaveProperty('password');
      expect(stored?.emailVerifiedAt).toBeInstanceOf(Date);
      expect(await t.db.collection('identities').find({ user }).toArray()).toEqual([
        {
          _id: expect.any(Types.ObjectId),
          user,
          provider: 'local',
          issuer: op.issuer,
          subject: subForEmail(ana.email!),
          email: ana.email,
          createdAt: expect.any(Date),
          lastUsedAt: expect.any(Date),
        },
      ]);
      expect(await count('oidc_flows')).toBe(0);
    });

    it('gets the email as its name and the default avatar when the provider sends neither', async () => {
      const { browser, location } = await signIn({ email: 'nameless@lingo.test' });
      expect(location.href).toBe(APP_URL);
      const me = await t.http().get('/api/auth/me').set('Cookie', browser.sessionCookie()).expect(200);
      expect(me.body.user.fullName).toBe('nameless');
      expect(me.body.user.profilePic).toMatch(/^https:\/\/avatar\.iran\.liara\.run\/public\/\d+\.png$/);
    });
  });

  it('signs a returning user in to the same account, a new session each time', async () => {
    const kim = person();
    const first = await signIn(kim);
    const id = (await t.http().get('/api/auth/me').set('Cookie', first.browser.sessionCookie())).body.user
      ._id;
    const before = await t.db.collection('identities').findOne({ user: new Types.ObjectId(id as string) });

    const second = await signIn(kim);
    const me = await t.http().get('/api/auth/me').set('Cookie', second.browser.sessionCookie()).expect(200);
    expect(me.body.user._id).toBe(id);
    expect(await count('users', { email: kim.email })).toBe(1);
    expect(await count('sessions', { user: new Types.ObjectId(id as string) })).toBe(2);
    const after = await t.db.collection('identities').findOne({ user: new Types.ObjectId(id as string) });
    expect(after?.lastUsedAt.getTime()).toBeGreaterThan(before?.lastUsedAt.getTime() as number);
  });

  describe('refuses, with no session created', () => {
    it('a banned account, naming the ban; once it is lifted the same identity signs in again', async () => {
      const lee = person();
      const first = await signIn(lee);
      const id = (await t.http().get('/api/auth/me').set('Cookie', first.browser.sessionCookie())).body.user
        ._id as string;
      const standing = t.app.get(AccountStandingService);
      await standing.ban(id, {
        reason: 'spam',
        bannedBy: new Types.ObjectId().toString(),
        bannedAt: new Date(),
      });
      expect(await count('sessions', { user: new Types.ObjectId(id) })).toBe(0);

      const banned = await signIn(lee);
      expect(banned.location.toString()).toBe(failure('account_suspended'));
      expect(() => banned.browser.sessionCookie()).toThrow('no session cookie');
      expect(await count('sessions', { user: new Types.ObjectId(id) })).toBe(0);

      await standing.unban(id);
      const again = await signIn(lee);
      expect(again.location.toString()).toBe(APP_URL);
      expect(await count('sessions', { user: new Types.ObjectId(id) })).toBe(1);
    });

    it('a callback whose state is not the one sent (a forged or mixed-up state)', async () => {
      const browser = new TestBrowser(base);
      op.setNextSignIn(person());
      const providerUrl = await browser.start('/api/auth/oidc/local');
      providerUrl.searchParams.set('state', 'a-state-the-api-never-sent');
      const sessions = await count('sessions');
      const hops = await browser.finishAt(providerUrl);
      expect(hops.done.status).toBe(302);
      expect(hops.location.href).toBe(failure('invalid_state'));
      expect(hops.done.headers.getSetCookie().some((c) => c.startsWith('jwt='))).toBe(false);
      expect(await count('sessions')).toBe(sessions);
    });

    it('a replayed callback (its state was spent by the first use)', async () => {
      const { browser, callback } = await signIn(person());
      const sessions = await count('sessions');
      const users = await count('users');
      const replay = await browser.fetch(callback);
      expect(replay.headers.get('location')).toBe(failure('invalid_state'));
      expect(replay.headers.getSetCookie().some((c) => c.startsWith('jwt='))).toBe(false);
      expect([await count('sessions'), await count('users')]).toEqual([sessions, users]);
    });

    it("a callback opened in another browser (a victim lured to an attacker's callback), spending the flow", async () => {
      const attacker = new TestBrowser(base);
      op.setNextSignIn(person());
      const lure = await followAuthorization(await attacker.start('/api/auth/oidc/local'));
      const victim = new TestBrowser(base);
      const sessions = await count('sessions');
      const res = await victim.fetch(lure);
      expect(res.headers.get('location')).toBe(failure('invalid_state'));
      expect(await count('sessions')).toBe(sessions);
      // Spent: the browser that started it cannot use it any more either.
      expect((await attacker.fetch(lure)).headers.get('location')).toBe(failure('invalid_state'));
      expect(await count('sessions')).toBe(sessions);
    });

    it('a flow past OIDC_FLOW_TTL_SECONDS', async () => {
      const browser = new TestBrowser(base);
      op.setNextSignIn(person());
      const providerUrl = await browser.start('/api/auth/oidc/local');
      await t.db
        .collection('oidc_flows')
        .updateMany({}, { $set: { expiresAt: new Date(Date.now() - 1000) } });
      const hops = await browser.finishAt(providerUrl);
      expect(hops.location.href).toBe(failure('invalid_state'));
    });

    it.each(ID_TOKEN_FAULTS)('an ID token that is %s', async (fault) => {
      const sessions = await count('sessions');
      const users = await count('users');
      const identities = await count('identities');
      op.failNextIdToken(fault);
      const { done, location } = await signIn(person(), '/api/auth/oidc/local?returnTo=%2Fapp%2Fafter');
      expect(done.status).toBe(302);
      expect(location.href).toBe(failure('sign_in_refused', 'http://app.test/app/after'));
      expect(done.headers.getSetCookie().some((c) => c.startsWith('jwt='))).toBe(false);
      expect([await count('sessions'), await count('users'), await count('identities')]).toEqual([
        sessions,
        users,
        identities,
      ]);
      const line = t.logs.lines.filter((l) => l.includes('failed (sign_in_refused)')).at(-1);
      expect(line).toMatch(/unexpected|signature|JWT/);
    });

    it("an error the provider sends back, naming it only by the API's own code", async () => {
      const browser = new TestBrowser(base);
      const providerUrl = await browser.start('/api/auth/oidc/local');
      providerUrl.searchParams.set('login_hint', 'not-an-email'); // the provider answers invalid_request
      const hops = await browser.finishAt(providerUrl);
      expect(hops.callback.searchParams.get('error')).toBe('invalid_request');
      expect(hops.location.href).toBe(failure('provider_error'));
      expect(hops.location.href).not.toContain('login_hint');
    });

    it('a provider email that an unverified account already has: no takeover, no second account', async () => {
      const owner = await signUp(t, { email: 'taken@lingo.test' });
      const { location, done } = await signIn(person({ email: owner.email, email_verified: true }));
      expect(location.href).toBe(failure('account_exists'));
      expect(done.headers.getSetCookie().some((c) => c.startsWith('jwt='))).toBe(false);
      expect(await count('users', { email: owner.email })).toBe(1);
      expect(await count('identities', { user: new Types.ObjectId(owner.id) })).toBe(0);
    });

    it('a provider email the provider has not verified, even when the account has verified it', async () => {
      const owner = await verifiedAccount('verified-here@lingo.test');
      const { location } = await signIn(person({ email: owner.email, email_verified: false }));
      expect(location.href).toBe(failure('account_exists'));
      expect(await count('users', { email: owner.email })).toBe(1);
      expect(await count('identities', { user: new Types.ObjectId(owner.id) })).toBe(0);
    });

    it('a new account for an address the provider has not verified (nobody may claim an address first)', async () => {
      const { location } = await signIn(person({ email: 'unproven@lingo.test', email_verified: false }));
      expect(location.href).toBe(failure('email_unverified'));
      expect(await count('users', { email: 'unproven@lingo.test' })).toBe(0);
    });

    it('a sign-in with no email at all', async () => {
      const { location } = await signIn({ sub: 'no-email-sub', name: 'Nobody' });
      expect(location.href).toBe(failure('email_required'));
      expect(await count('identities', { subject: 'no-email-sub' })).toBe(0);
    });
  });

  it('links to the existing account when the provider AND the account verified the email', async () => {
    const owner = await verifiedAccount('both-verified@lingo.test');
    const { browser, location } = await signIn(person({ email: owner.email, email_verified: true }));
    expect(location.href).toBe(APP_URL);
    const me = await t.http().get('/api/auth/me').set('Cookie', browser.sessionCookie()).expect(200);
    expect(me.body.user._id).toBe(owner.id);
    expect(await count('users', { email: owner.email })).toBe(1);
    expect(await count('identities', { user: new Types.ObjectId(owner.id) })).toBe(1);
    // The password still works too.
    await t.http().post('/api/auth/login').send({ email: owner.email, password: owner.password }).expect(200);
  });

  it('stops a user with a second factor at the pending step (?mfa=required), which the challenge finishes', async () => {
    const owner = await verifiedAccount('second-factor@lingo.test');
    const { app } = await activateTotp(t, owner.cookie);
    const { browser, location } = await signIn(person({ email: owner.email, email_verified: true }));
    expect(location.href).toBe(`${APP_URL}?mfa=required`);
    expect(browser.jar.has('jwt')).toBe(false);
    expect(browser.jar.has('mfa_pending')).toBe(true);

    const done = await browser.fetch('/api/auth/mfa/challenge', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: await app.code() }),
    });
    expect(done.status).toBe(200);
    expect(browser.jar.has('mfa_pending')).toBe(false);
    const me = await t.http().get('/api/auth/me').set('Cookie', browser.sessionCookie()).expect(200);
    expect(me.body.user._id).toBe(owner.id);
  });

  describe('returnTo (no open redirect)', () => {
    it.each(
      [
        '//evil.example/app',
        'https://app.test.evil/app',
        'http://app.test.evil.example/app',
        'https://app.test/app', // another scheme is another origin
        'http://app.test/other',
        'http://app.test/application',
        'http://app.test/app/../admin',
        '/app/%2e%2e/admin',
        '/\\evil.example',
        '/app\\..\\..\\evil',
        'http://user@app.test/app',
        'javascript:alert(1)',
        'data:text/html,hi',
        'profile', // relative: resolved against APP_URL's directory, outside its /app prefix
        ' http://app.test/app',
        'http://app.test/app\n',
        `/app/${'x'.repeat(2100)}`,
      ].map((returnTo) => [JSON.stringify(returnTo).slice(0, 50), returnTo]),
    )('refuses %s with 400 before anything is stored', async (_label, returnTo) => {
      const flows = await count('oidc_flows');
      const browser = new TestBrowser(base);
      const res = await browser.fetch(`/api/auth/oidc/local?returnTo=${encodeURIComponent(returnTo)}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(await count('oidc_flows')).toBe(flows);
    });

    it.each([
      ['/app/settings?tab=2#top', 'http://app.test/app/settings?tab=2#top'],
      ['http://app.test/app', 'http://app.test/app'],
      ['http://app.test/app/', 'http://app.test/app/'],
    ])('accepts %j inside APP_URL', async (returnTo, expected) => {
      const { location } = await signIn(
        person(),
        `/api/auth/oidc/local?returnTo=${encodeURIComponent(returnTo)}`,
      );
      expect(location.href).toBe(expected);
    });
  });

  it('answers 404 for a provider that is not configured, at the start and at the callback', async () => {
    const browser = new TestBrowser(base);
    for (const path of ['/api/auth/oidc/google', '/api/auth/oidc/google/callback?state=x&code=y']) {
      const res = await browser.fetch(path);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        statusCode: 404,
        message: 'No such sign-in provider',
        error: 'Not Found',
      });
    }
  });

  describe('a password login of an account that only signs in with a provider', () => {
    it('is told to use the provider or set a password by the reset flow, which then works', async () => {
      const lee = person({ email: 'lee-oidc-only@lingo.test' });
      const { browser } = await signIn(lee);
      const login = await t
        .http()
        .post('/api/auth/login')
        .send({ email: lee.email, password: 'any password at all' })
        .expect(401);
      expect(login.body.message).toBe(
        'This account signs in with Local; to use a password, set one with the password reset flow',
      );

      const change = await t
        .http()
        .put('/api/auth/password')
        .set('Cookie', browser.sessionCookie())
        .send({ currentPassword: 'whatever', newPassword: 'a new password' })
        .expect(409);
      expect(change.body.message).toMatch(/no password yet.*POST \/api\/auth\/password\/forgot/);
      const deletion = await t
        .http()
        .delete('/api/users/me')
        .set('Cookie', browser.sessionCookie())
        .send({ password: 'whatever' })
        .expect(409);
      expect(deletion.body.message).toMatch(/no password yet.*then delete the account/);
      const emailChange = await t
        .http()
        .put('/api/auth/email')
        .set('Cookie', browser.sessionCookie())
        .send({ email: 'lee-new@lingo.test', password: 'whatever' })
        .expect(409);
      expect(emailChange.body.message).toMatch(/no password yet.*then change the address/);
      await t.http().get('/api/auth/me').set('Cookie', browser.sessionCookie()).expect(200);

      await t.http().post('/api/auth/password/forgot').send({ email: lee.email }).expect(202);
      const mail = await t.mail.waitForMail((m) => m.to.includes(lee.email!));
      const token = /reset-password\?token=([\w-]+)/.exec(mail.text)![1];
      await t
        .http()
        .post('/api/auth/password/reset')
        .send({ token, newPassword: 'now a password' })
        .expect(200);
      await t
        .http()
        .post('/api/auth/login')
        .send({ email: lee.email, password: 'now a password' })
        .expect(200);
    });
  });

  it('a password account still gets "Invalid email or password" for a wrong password', async () => {
    const account = newAccount();
    await t.http().post('/api/auth/signup').send(account).expect(201);
    const res = await t
      .http()
      .post('/api/auth/login')
      .send({ email: account.email, password: 'wrong one' })
      .expect(401);
    expect(res.body.message).toBe('Invalid email or password');
  });

  it('never writes a code, a state, an ID token or a session token to a log line or a response body', () => {
    expect(issued.size).toBeGreaterThan(10);
    const everything = [...t.logs.lines, ...t.bodies];
    for (const value of issued) {
      expect(everything.filter((line) => line.includes(value))).toEqual([]);
    }
    // Any JWT (an ID token, a session token) starts with a base64url JSON header.
    expect(t.logs.lines.filter((line) => /eyJ[\w-]{10,}\.[\w-]{10,}/.test(line))).toEqual([]);
    expect(everything.filter((line) => line.includes(op.clientSecret))).toEqual([]);
  });
});
