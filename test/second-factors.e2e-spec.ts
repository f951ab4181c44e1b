import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { mfaConfig, type MfaConfig } from '../src/config/configuration';
import {
  authCookie,
  chatToken,
  createTestApp,
  deleteMyAccount,
  signUp,
  SignedUpUser,
  TestApp,
} from './harness';
import { activateTotp, pendingCookie, TestAuthenticator } from './totp';

const RECOVERY_SUBJECT = 'A recovery code was used to sign in';

describe('Second factors (/api/auth/mfa)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      MFA_CODE_LIMIT: '5',
      MFA_CODE_WINDOW_SECONDS: '600',
      APP_URL: 'http://app.test',
    });
  });
  afterAll(() => t.close());

  const login = (user: SignedUpUser) =>
    t.http().post('/api/auth/login').send({ email: user.email, password: user.password });
  const challenge = (pending: string | undefined, body: object) => {
    const req = t.http().post('/api/auth/mfa/challenge');
    return (pending ? req.set('Cookie', pending) : req).send(body);
  };
  /** A password login that must stop at the second step: its pending cookie. */
  const pendingLogin = async (user: SignedUpUser): Promise<string> => {
    const res = await login(user).expect(200);
    expect(res.body).toEqual({ mfaRequired: true, factors: ['totp', 'recovery_code'] });
    expect(JSON.stringify(res.headers['set-cookie'])).not.toContain('jwt=');
    const pending = pendingCookie(res);
    expect(pending).toBeDefined();
    return pending!;
  };
  const stored = (user: SignedUpUser) =>
    t.db
      .collection('second_factors')
      .find({ user: new Types.ObjectId(user.id) })
      .toArray();
  const sessionsOf = async (cookie: string) =>
    (await t.http().get('/api/auth/sessions').set('Cookie', cookie).expect(200)).body.sessions as {
      current: boolean;
      aal: string;
    }[];

  describe('enrolling TOTP', () => {
    it('gives the secret, an otpauth:// URI and an SVG QR code; stores the secret encrypted; nothing changes until verified', async () => {
      const user = await signUp(t);
      const res = await t.http().post('/api/auth/mfa/totp').set('Cookie', user.cookie).expect(201);
      expect(res.body).toEqual({
        success: true,
        secret: expect.stringMatching(/^[A-Z2-7]{32}$/),
        uri: expect.stringMatching(/^otpauth:\/\/totp\/Lingo:.+\?.*secret=[A-Z2-7]{32}/),
        qrCode: expect.stringMatching(/^data:image\/svg\+xml;base64,/),
      });
      const svg = Buffer.from((res.body.qrCode as string).split(',')[1], 'base64').toString('utf8');
      expect(svg).toContain('<svg');
      const [doc] = await stored(user);
      expect(doc).toMatchObject({ type: 'totp', active: false, secret: { kid: 'test1' } });
      expect(JSON.stringify(doc)).not.toContain(res.body.secret);
      // Not active: a login still signs in at once, and nothing is listed.
      await login(user)
        .expect(200)
        .expect((r) => expect(r.body.success).toBe(true));
      const list = await t.http().get('/api/auth/mfa').set('Cookie', user.cookie).expect(200);
      expect(list.body).toEqual({ factors: [] });
    });

    it('refuses a wrong first code and stays inactive; the right one activates it, raises this session to aal2 and ends the others', async () => {
      const user = await signUp(t);
      const other = authCookie(await login(user).expect(200));
      const enrolled = await t.http().post('/api/auth/mfa/totp').set('Cookie', user.cookie).expect(201);
      const app = new TestAuthenticator(enrolled.body.secret);
      const verify = (code: string) =>
        t.http().post('/api/auth/mfa/totp/verify').set('Cookie', user.cookie).send({ code });

      const wrong = await verify(await app.wrongCode()).expect(401);
      expect(wrong.body).toEqual({ statusCode: 401, message: 'Invalid code', error: 'Unauthorized' });
      expect((await stored(user))[0].active).toBe(false);

      const res = await verify(await app.code()).expect(200);
      expect(res.body.recoveryCodes).toHaveLength(10);
      expect(new Set(res.body.recoveryCodes).size).toBe(10);
      const sessions = await sessionsOf(user.cookie);
      expect(sessions).toEqual([expect.objectContaining({ current: true, aal: 'aal2' })]);
      await t.http().get('/api/auth/me').set('Cookie', other).expect(401);
      // The recovery codes are stored hashed.
      const codes = (await stored(user)).find((d) => d.type === 'recovery_codes');
      expect(codes?.codeHashes).toHaveLength(10);
      expect(JSON.stringify(codes)).not.toContain(res.body.recoveryCodes[0]);
      // A second enrollment while active: 409.
      await t.http().post('/api/auth/mfa/totp').set('Cookie', user.cookie).expect(409);
    });

    it('lists active factors without a secret', async () => {
      const user = await signUp(t);
      await activateTotp(t, user.cookie);
      const list = await t.http().get('/api/auth/mfa').set('Cookie', user.cookie).expect(200);
      expect(list.body.factors).toEqual([
        {
          type: 'totp',
          name: 'Authenticator app',
          createdAt: expect.any(String),
          lastUsedAt: expect.any(String),
        },
        { type: 'recovery_codes', name: 'Recovery codes', createdAt: expect.any(String), lastUsedAt: null },
      ]);
    });
  });

  describe('signing in with a second factor', () => {
    it('answers mfaRequired with a pending cookie that opens nothing; the challenge gives an aal2 session once', async () => {
      const user = await signUp(t);
      const { app } = await activateTotp(t, user.cookie);
      const pending = await pendingLogin(user);
      const pendingToken = pending.split('=')[1];
      // The pending step is no session: as a cookie, as a jwt cookie or as a bearer token.
      await t.http().get('/api/auth/me').set('Cookie', pending).expect(401);
      await t.http().get('/api/chats/token').set('Cookie', pending).expect(401);
      await t.http().get('/api/chats/token').set('Cookie', `jwt=${pendingToken}`).expect(401);
      await t.http().get('/api/chats/token').set('Authorization', `Bearer ${pendingToken}`).expect(401);

      const res = await challenge(pending, { code: await app.code() }).expect(200);
      expect(res.body).toEqual({
        success: true,
        user: expect.objectContaining({ _id: user.id, email: user.email }),
      });
      const cleared = ([] as string[])
        .concat(res.headers['set-cookie'])
        .find((c) => c.startsWith('mfa_pending='));
      expect(cleared).toMatch(/^mfa_pending=;.*Path=\/api\/auth\/mfa/);
      const session = authCookie(res);
      expect((await sessionsOf(session)).find((s) => s.current)?.aal).toBe('aal2');
      await chatToken(t, session);
      // Finished: the same pending sign-in cannot start a second session.
      await challenge(pending, { code: await app.code(1) }).expect(401);
    });

    it('refuses a code already used (RFC 6238 §5.2), accepts ±1 step and refuses ±2', async () => {
      const user = await signUp(t);
      const { app } = await activateTotp(t, user.cookie);
      // The activation used the previous step: replayed, it is refused.
      const replay = await challenge(await pendingLogin(user), { code: await app.code(-1) }).expect(401);
      expect(replay.body.message).toBe('Invalid code');
      await challenge(await pendingLogin(user), { code: await app.code(2) }).expect(401);
      await challenge(await pendingLogin(user), { code: await app.code(-2) }).expect(401);
      await challenge(await pendingLogin(user), { code: await app.code(1) }).expect(200);
      // The next step was used: the current one is older, and refused too.
      await challenge(await pendingLogin(user), { code: await app.code(0) }).expect(401);
    });

    it('locks an account after MFA_CODE_LIMIT wrong codes, on any route, with Retry-After, even for a right code', async () => {
      const user = await signUp(t);
      const { app } = await activateTotp(t, user.cookie);
      const pending = await pendingLogin(user);
      for (let i = 0; i < 3; i++) await challenge(pending, { code: await app.wrongCode() }).expect(401);
      await challenge(pending, { recoveryCode: 'aaaa-bbbb-cccc-dddd' }).expect(401);
      await t
        .http()
        .post('/api/auth/mfa/recovery-codes')
        .set('Cookie', user.cookie)
        .send({ code: await app.wrongCode() })
        .expect(401);
      const locked = await challenge(pending, { code: await app.code() }).expect(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(500);
      expect(locked.body).toEqual({
        statusCode: 429,
        message: expect.stringMatching(/^Too many wrong codes for this account: try again in \d+ minutes$/),
        error: 'Too Many Requests',
      });
      // Another account is not affected.
      const other = await signUp(t);
      const second = await activateTotp(t, other.cookie);
      await challenge(await pendingLogin(other), { code: await second.app.code() }).expect(200);
    });

    it('takes a recovery code once, logs and mails its use (never the code)', async () => {
      const user = await signUp(t);
      const { recoveryCodes } = await activateTotp(t, user.cookie);
      const [code] = recoveryCodes;
      // Typed by hand: upper case, without dashes.
      await challenge(await pendingLogin(user), {
        recoveryCode: code.toUpperCase().replace(/-/g, ''),
      }).expect(200);
      const mail = await t.mail.waitForMail(
        (m) => m.to.includes(user.email) && m.subject === RECOVERY_SUBJECT,
      );
      expect(mail.text).toContain('9 unused codes remain');
      expect(mail.text).not.toContain(code);
      await challenge(await pendingLogin(user), { recoveryCode: code }).expect(401);
      expect(t.logs.lines.some((l) => l.includes(`user ${user.id} used a recovery code`))).toBe(true);
      expect(t.logs.lines.join('\n')).not.toContain(code);
    });

    it('answers 401 without a pending sign-in, and 400 for a body that is not exactly one factor', async () => {
      const user = await signUp(t);
      const { app } = await activateTotp(t, user.cookie);
      const none = await challenge(undefined, { code: '123456' }).expect(401);
      expect(none.body.message).toMatch(/^No sign-in is waiting for a second factor/);
      await challenge('mfa_pending=forged', { code: '123456' }).expect(401);
      const pending = await pendingLogin(user);
      await challenge(pending, {}).expect(400);
      await challenge(pending, { code: 'abcdef' }).expect(400);
      await challenge(pending, { code: await app.code(), recoveryCode: 'aaaa-bbbb-cccc-dddd' }).expect(400);
      await challenge(pending, { code: await app.code(), extra: 1 }).expect(400);
      // None of these counted or spent anything: the right code still signs in.
      await challenge(pending, { code: await app.code() }).expect(200);
    });

    it('is not undone by a password reset', async () => {
      const user = await signUp(t);
      await activateTotp(t, user.cookie);
      await t.http().post('/api/auth/password/forgot').send({ email: user.email }).expect(202);
      const mail = await t.mail.waitForMail(
        (m) => m.to.includes(user.email) && m.subject === 'Reset your password',
      );
      const token = /reset-password\?token=([\w-]+)/.exec(mail.text)?.[1];
      await t
        .http()
        .post('/api/auth/password/reset')
        .send({ token, newPassword: 'a new secret here' })
        .expect(200);
      await pendingLogin({ ...user, password: 'a new secret here' });
    });
  });

  describe('managing factors (a current second factor is asked again)', () => {
    it('regenerates recovery codes: the old set stops working, the new one works', async () => {
      const user = await signUp(t);
      const { app, recoveryCodes } = await activateTotp(t, user.cookie);
      const regenerate = (body: object) =>
        t.http().post('/api/auth/mfa/recovery-codes').set('Cookie', user.cookie).send(body);
      await regenerate({}).expect(400);
      await regenerate({ code: await app.wrongCode() }).expect(401);
      const res = await regenerate({ code: await app.code() }).expect(200);
      expect(res.body.recoveryCodes).toHaveLength(10);
      await challenge(await pendingLogin(user), { recoveryCode: recoveryCodes[1] }).expect(401);
      await challenge(await pendingLogin(user), { recoveryCode: res.body.recoveryCodes[0] }).expect(200);
    });

    it('removes TOTP and the recovery codes only with a current factor; sign-in is then one step again', async () => {
      const user = await signUp(t);
      const { app, recoveryCodes } = await activateTotp(t, user.cookie);
      const remove = (body: object) =>
        t.http().delete('/api/auth/mfa/totp').set('Cookie', user.cookie).send(body);
      await remove({}).expect(400);
      await remove({ code: await app.wrongCode() }).expect(401);
      expect(await stored(user)).toHaveLength(2);
      await remove({ recoveryCode: recoveryCodes[0] }).expect(200);
      expect(await stored(user)).toHaveLength(0);
      const res = await login(user).expect(200);
      expect(res.body.success).toBe(true);
      expect(pendingCookie(res)).toBeUndefined();
    });
  });

  describe('export, deletion and keys', () => {
    it('exports factors (type, name, dates) without a secret, and deletes them with the account', async () => {
      const user = await signUp(t);
      const { app } = await activateTotp(t, user.cookie);
      const exported = await t.http().get('/api/users/me/export').set('Cookie', user.cookie).expect(200);
      expect(exported.body.secondFactors).toEqual([
        expect.objectContaining({ type: 'totp', name: 'Authenticator app' }),
        expect.objectContaining({ type: 'recovery_codes', name: 'Recovery codes' }),
      ]);
      expect(JSON.stringify(exported.body)).not.toContain(app.secret);
      await login(user).expect(200); // a pending sign-in the deletion must remove too
      await deleteMyAccount(t, user).expect(204);
      expect(await stored(user)).toHaveLength(0);
      expect(
        await t.db.collection('mfa_pending_sign_ins').countDocuments({ user: new Types.ObjectId(user.id) }),
      ).toBe(0);
    });

    it('seals new secrets under the newest key and still reads the old ones after a key is appended', async () => {
      const before = await signUp(t);
      const old = await activateTotp(t, before.cookie);
      const config = t.app.get<MfaConfig>(mfaConfig.KEY);
      config.keys.push({ id: 'k2', key: randomBytes(32) });
      try {
        const after = await signUp(t);
        await activateTotp(t, after.cookie);
        expect((await stored(after)).find((d) => d.type === 'totp')?.secret.kid).toBe('k2');
        expect((await stored(before)).find((d) => d.type === 'totp')?.secret.kid).toBe('test1');
        await challenge(await pendingLogin(before), { code: await old.app.code() }).expect(200);
      } finally {
        config.keys.pop();
      }
    });

    it('never writes a secret or a code to a log line or another response', () => {
      const everything = t.logs.lines.join('\n');
      expect(everything).not.toMatch(/otpauth:\/\//);
      expect(everything).not.toMatch(/"(code|recoveryCode|secret)"/);
    });
  });
});
