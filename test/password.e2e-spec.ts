import { Types } from 'mongoose';
import { authCookie, chatToken, connectChat, createTestApp, signUp, SignedUpUser, TestApp } from './harness';

describe('Passwords (/api/auth/password)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      APP_URL: 'http://app.test',
      MAIL_FROM: 'Lingo <no-reply@lingo.test>',
      PASSWORD_RESET_EMAIL_LIMIT: '3',
      THROTTLE_ACCOUNT_LOGIN_LIMIT: '10',
      THROTTLE_ACCOUNT_LOGIN_CEILING: '20',
      // The tests play clients at several addresses (X-Forwarded-For from the loopback "proxy").
      TRUST_PROXY: 'loopback',
    });
  });
  afterAll(() => t.close());

  const me = (cookie: string) => t.http().get('/api/auth/me').set('Cookie', cookie);
  const login = (email: string, password: string) =>
    t.http().post('/api/auth/login').send({ email, password });

  const connect = (userId: string, userToken: string) => connectChat(t.stream, userId, userToken);

  /** Asks for a reset link and reads it from the mail the SMTP sink received. */
  const resetTokenFor = async (user: SignedUpUser): Promise<string> => {
    await t.http().post('/api/auth/password/forgot').send({ email: user.email }).expect(202);
    const mail = await t.mail.waitForMail(
      (m) => m.to.includes(user.email) && m.subject === 'Reset your password',
    );
    t.mail.clear();
    const link = /http:\/\/app\.test\/reset-password\?token=([\w-]+)/.exec(mail.text);
    expect(link).not.toBeNull();
    expect(mail.html).toContain(link?.[0]);
    return link?.[1] ?? '';
  };

  describe('PUT /api/auth/password', () => {
    it('changes the password, keeps this session and ends the others (and their chat tokens)', async () => {
      const user = await signUp(t);
      const other = authCookie(await login(user.email, user.password).expect(200));
      const oldChat = (await chatToken(t, other)).token;

      await t
        .http()
        .put('/api/auth/password')
        .set('Cookie', user.cookie)
        .send({ currentPassword: user.password, newPassword: 'a brand new secret' })
        .expect(200);

      await me(user.cookie).expect(200);
      await me(other).expect(401);
      expect(await connect(user.id, oldChat)).toBe(40);
      await login(user.email, user.password).expect(401);
      await login(user.email, 'a brand new secret').expect(200);
    });

    it('refuses a wrong current password and changes nothing', async () => {
      const user = await signUp(t);
      const res = await t
        .http()
        .put('/api/auth/password')
        .set('Cookie', user.cookie)
        .send({ currentPassword: 'not my password', newPassword: 'a brand new secret' })
        .expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      await login(user.email, user.password).expect(200);
    });
  });

  describe('forgot and reset', () => {
    it('mails a single-use link that sets the password and ends every session', async () => {
      const user = await signUp(t);
      const oldChat = (await chatToken(t, user.cookie)).token;
      const token = await resetTokenFor(user);
      expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32);

      const res = await t
        .http()
        .post('/api/auth/password/reset')
        .send({ token, newPassword: 'reset to this one' })
        .expect(200);
      expect(res.body).toMatchObject({ success: true });
      await me(user.cookie).expect(401);
      expect(await connect(user.id, oldChat)).toBe(40);
      await login(user.email, 'reset to this one').expect(200);

      const again = await t
        .http()
        .post('/api/auth/password/reset')
        .send({ token, newPassword: 'and once more' })
        .expect(400);
      expect(again.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      await login(user.email, 'reset to this one').expect(200);
    });

    it('answers an unknown email exactly as a known one, and mails nobody', async () => {
      const user = await signUp(t);
      const known = await t.http().post('/api/auth/password/forgot').send({ email: user.email }).expect(202);
      const unknown = await t
        .http()
        .post('/api/auth/password/forgot')
        .send({ email: 'nobody-here@example.com' })
        .expect(202);
      expect(unknown.body).toEqual(known.body);
      await t.mail.waitForMail((m) => m.to.includes(user.email) && m.subject === 'Reset your password');
      const resets = t.mail.list().filter((m) => m.subject === 'Reset your password');
      expect(resets.map((m) => m.to)).toEqual([[user.email]]);
      t.mail.clear();
    });

    it('refuses an expired token and one replaced by a newer request', async () => {
      const user = await signUp(t);
      const first = await resetTokenFor(user);
      const second = await resetTokenFor(user);
      await t
        .http()
        .post('/api/auth/password/reset')
        .send({ token: first, newPassword: 'whatever 123' })
        .expect(400);

      await t.db
        .collection('password_resets')
        .updateOne(
          { user: new Types.ObjectId(user.id) },
          { $set: { expiresAt: new Date(Date.now() - 1000) } },
        );
      await t
        .http()
        .post('/api/auth/password/reset')
        .send({ token: second, newPassword: 'whatever 123' })
        .expect(400);
      await login(user.email, user.password).expect(200);
    });

    it('stores only a hash of the token and never logs it', async () => {
      const user = await signUp(t);
      const token = await resetTokenFor(user);
      const stored = await t.db.collection('password_resets').findOne({ user: new Types.ObjectId(user.id) });
      expect(JSON.stringify(stored)).not.toContain(token);
      expect(t.logs.lines.join('\n')).not.toContain(token);
    });

    it('limits reset requests per email address', async () => {
      const email = 'limited@example.com';
      for (let i = 0; i < 3; i++)
        await t.http().post('/api/auth/password/forgot').send({ email }).expect(202);
      const res = await t.http().post('/api/auth/password/forgot').send({ email }).expect(429);
      expect(res.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    });
  });

  describe('failed logins per account', () => {
    const loginFrom = (address: string, email: string, password: string) =>
      login(email, password).set('X-Forwarded-For', address);

    it('locks out only the address that failed 10 times: the owner signs in from another', async () => {
      const user = await signUp(t);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++)
        statuses.push((await loginFrom('203.0.113.9', user.email, 'guess')).status);
      expect(statuses).toEqual([...Array<number>(10).fill(401), 429, 429]);

      const locked = await loginFrom('203.0.113.9', user.email, user.password).expect(429);
      const wait = Number(locked.headers['retry-after']);
      expect(wait).toBeGreaterThan(800);
      expect(locked.body).toEqual({
        statusCode: 429,
        message:
          'Too many failed sign-in attempts for this account from your address: try again in 15 minutes, ' +
          'or reset your password to sign in now',
        error: 'Too Many Requests',
      });
      await loginFrom('198.51.100.7', user.email, user.password).expect(200);
    });

    it('locks the account everywhere at the ceiling, and a password reset lets the owner in at once', async () => {
      const user = await signUp(t);
      for (const address of ['203.0.113.21', '203.0.113.22']) {
        for (let i = 0; i < 10; i++) await loginFrom(address, user.email, 'guess').expect(401);
      }
      const locked = await loginFrom('198.51.100.8', user.email, user.password).expect(429);
      expect(locked.body.message).toBe(
        'Too many failed sign-in attempts for this account: try again in 15 minutes, ' +
          'or reset your password to sign in now',
      );

      const token = await resetTokenFor(user);
      await t
        .http()
        .post('/api/auth/password/reset')
        .send({ token, newPassword: 'a fresh start' })
        .expect(200);
      await loginFrom('198.51.100.8', user.email, 'a fresh start').expect(200);
      await loginFrom('203.0.113.21', user.email, 'a fresh start').expect(200);
    });
  });
});
