import { Types } from 'mongoose';
import {
  authCookie,
  createTestApp,
  deleteMyAccount,
  SignedUpUser,
  signUp,
  signUpOnboarded,
  TestApp,
} from './harness';
import { Mailbox } from './mailbox';

const APP_URL = 'http://app.test';
const INVALID = 'This code or link is wrong, used, replaced by a newer one or expired; ask for a new one';

describe('Email verification (/api/auth/email), REQUIRE_VERIFIED_EMAIL=off', () => {
  let t: TestApp;
  let inbox: Mailbox;

  beforeAll(async () => {
    t = await createTestApp({
      APP_URL,
      EMAIL_VERIFICATION_MAIL_LIMIT: '3',
      EMAIL_VERIFICATION_ACCOUNT_LIMIT: '4',
      EMAIL_VERIFICATION_CODE_TRIES: '5',
    });
    inbox = new Mailbox(t.mail, APP_URL);
  });
  afterAll(() => t.close());

  const me = (cookie: string) => t.http().get('/api/auth/me').set('Cookie', cookie);
  const verify = (body: object, cookie?: string) => {
    const req = t.http().post('/api/auth/email/verify');
    return (cookie ? req.set('Cookie', cookie) : req).send(body);
  };
  const resend = (body: object, cookie?: string) => {
    const req = t.http().post('/api/auth/email/verification');
    return (cookie ? req.set('Cookie', cookie) : req).send(body);
  };
  const stored = (user: SignedUpUser) =>
    t.db.collection('users').findOne({ _id: new Types.ObjectId(user.id) });
  const pendingOf = (user: SignedUpUser) =>
    t.db
      .collection('email_verifications')
      .find({ user: new Types.ObjectId(user.id) })
      .toArray();
  const isVerified = async (user: SignedUpUser) => (await stored(user))?.emailVerifiedAt instanceof Date;

  /** A refusal with the one message for every link or code that does not work, changing nothing. */
  const expectInvalid = async (res: { status: number; body: unknown }, user: SignedUpUser) => {
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, message: INVALID, error: 'Bad Request' });
    expect(await isVerified(user)).toBe(false);
  };

  describe('at signup', () => {
    it('mails a 6-digit code and a link to APP_URL/verify-email, and stores only hashes', async () => {
      const user = await signUp(t);
      const { code, token } = await inbox.confirmation(user.email);
      expect(code).toMatch(/^\d{6}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);

      const [record] = await pendingOf(user);
      expect(record).toMatchObject({ purpose: 'verify', address: user.email });
      expect(Object.keys(record).sort()).toEqual(
        ['_id', 'address', 'codeHash', 'createdAt', 'expiresAt', 'purpose', 'tokenHash', 'user'].sort(),
      );
      expect(JSON.stringify(record)).not.toContain(token);
      expect([record.tokenHash, record.codeHash]).not.toContain(code);
      const ttlMs = (record.expiresAt as Date).getTime() - (record.createdAt as Date).getTime();
      expect(ttlMs).toBe(86_400_000);
      expect((await me(user.cookie).expect(200)).body.user.emailVerified).toBe(false);
    });
  });

  describe('POST /api/auth/email/verify', () => {
    it('verifies by code for the signed-in user; the code works once', async () => {
      const user = await signUp(t);
      const { code } = await inbox.confirmation(user.email);
      const res = await verify({ code }, user.cookie).expect(200);
      expect(res.body).toEqual({ success: true, message: 'Email address verified' });
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(await isVerified(user)).toBe(true);
      expect((await me(user.cookie).expect(200)).body.user.emailVerified).toBe(true);
      expect(await pendingOf(user)).toEqual([]);
      expect((await verify({ code }, user.cookie).expect(400)).body.message).toBe(INVALID);
    });

    it('verifies by the link token, not signed in, once', async () => {
      const user = await signUp(t);
      const { token } = await inbox.confirmation(user.email);
      await verify({ token }).expect(200);
      expect(await isVerified(user)).toBe(true);
      expect((await verify({ token }).expect(400)).body.message).toBe(INVALID);
    });

    it('verifies by the address and the code, not signed in', async () => {
      const user = await signUp(t);
      const { code } = await inbox.confirmation(user.email);
      await verify({ email: user.email.toUpperCase(), code }).expect(200);
      expect(await isVerified(user)).toBe(true);
    });

    it('changes nothing on a GET of the link: only the POST of its token verifies', async () => {
      const user = await signUp(t);
      const { token } = await inbox.confirmation(user.email);
      const pending = await pendingOf(user);
      // What a mail scanner or a prefetching browser does with the link, and with the API route's URL.
      await t.http().get(`/verify-email?token=${token}`).expect(404);
      await t.http().get(`/api/auth/email/verify?token=${token}`).expect(404);
      await t.http().head(`/api/auth/email/verify?token=${token}`).expect(404);
      expect(await isVerified(user)).toBe(false);
      expect(await pendingOf(user)).toEqual(pending);
      await verify({ token }).expect(200);
    });

    it('refuses a wrong token and a wrong code with one message', async () => {
      const user = await signUp(t);
      const { code } = await inbox.confirmation(user.email);
      const wrongCode = code === '000000' ? '000001' : '000000';
      await expectInvalid(await verify({ token: 'x'.repeat(43) }), user);
      await expectInvalid(await verify({ code: wrongCode }, user.cookie), user);
      await expectInvalid(await verify({ email: user.email, code: wrongCode }), user);
      await expectInvalid(await verify({ email: 'nobody-here@example.com', code }), user);
    });

    it('refuses an expired token and code', async () => {
      const user = await signUp(t);
      const { code, token } = await inbox.confirmation(user.email);
      await t.db
        .collection('email_verifications')
        .updateOne(
          { user: new Types.ObjectId(user.id) },
          { $set: { expiresAt: new Date(Date.now() - 1000) } },
        );
      await expectInvalid(await verify({ token }), user);
      await expectInvalid(await verify({ code }, user.cookie), user);
    });

    it('refuses the token and code a resend superseded; the newest work', async () => {
      const user = await signUp(t);
      const first = await inbox.confirmation(user.email);
      await resend({}, user.cookie).expect(202);
      const second = await inbox.confirmation(user.email);
      expect(second.token).not.toBe(first.token);
      await expectInvalid(await verify({ token: first.token }), user);
      if (first.code !== second.code)
        await expectInvalid(await verify({ code: first.code }, user.cookie), user);
      await verify({ token: second.token }).expect(200);
    });

    it('kills a code after 5 wrong tries, even the right one next; the link still works', async () => {
      const user = await signUp(t);
      const { code, token } = await inbox.confirmation(user.email);
      const wrong = ['000000', '000001', '000002', '000003', '000004', '000005'].filter((c) => c !== code);
      for (const guess of wrong.slice(0, 5))
        await expectInvalid(await verify({ code: guess }, user.cookie), user);
      await expectInvalid(await verify({ code }, user.cookie), user);
      await expectInvalid(await verify({ email: user.email, code }), user);
      // The 32-byte link cannot be guessed: it stays valid until it expires or is replaced.
      await verify({ token }).expect(200);
      expect(await isVerified(user)).toBe(true);
    });

    it('refuses a body that is neither a token nor a code, or a code without whose it is (400)', async () => {
      const user = await signUp(t);
      const { code, token } = await inbox.confirmation(user.email);
      const bad = [
        {},
        { code, token },
        { token, email: user.email },
        { code },
        { code: '12345' },
        { tok: token },
      ];
      for (const body of bad) {
        const res = await verify(body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(res.body).toMatchObject({
          statusCode: 400,
          error: 'Bad Request',
          message: expect.any(String),
        });
      }
      expect(await isVerified(user)).toBe(false);
      await verify({ code }, user.cookie).expect(200);
    });
  });

  describe('POST /api/auth/email/verification (resend)', () => {
    it('signed in: mails a new code to my address; 409 once verified', async () => {
      const user = await signUp(t);
      await inbox.confirmation(user.email);
      const res = await resend({}, user.cookie).expect(202);
      expect(res.body).toEqual({
        success: true,
        message: 'A new code and link are on their way to your address',
      });
      const { code } = await inbox.confirmation(user.email);
      await verify({ code }, user.cookie).expect(200);
      const again = await resend({}, user.cookie).expect(409);
      expect(again.body).toMatchObject({
        statusCode: 409,
        message: 'Your email address is already verified',
      });
      await resend({ email: 'someone-else@example.com' }, user.cookie).expect(400);
    });

    it('limits mails per address and per account: 429 with Retry-After and the wait in words', async () => {
      const user = await signUp(t); // the signup mail counts for the address: 1 of 3
      await resend({}, user.cookie).expect(202);
      await resend({}, user.cookie).expect(202);
      const limited = await resend({}, user.cookie).expect(429);
      expect(limited.headers['retry-after']).toBe('3600');
      expect(limited.body).toEqual({
        statusCode: 429,
        message: 'Too many verification mails for this address or account: try again in 60 minutes',
        error: 'Too Many Requests',
      });
      // The account has asked 3 times (limit 4): one more address, then the account is limited too.
      const change = (email: string) =>
        t.http().put('/api/auth/email').set('Cookie', user.cookie).send({ email, password: user.password });
      await change(`moved-${user.email}`).expect(202);
      const byAccount = await change(`moved-again-${user.email}`).expect(429);
      expect(Number(byAccount.headers['retry-after'])).toBeGreaterThan(3500);
      expect(inbox.unread(`moved-again-${user.email}`)).toEqual([]);
    });

    it('not signed in: the same answer for any address, a mail only to an account still to verify', async () => {
      const unverified = await signUp(t);
      const verified = await signUp(t);
      await verify({ code: (await inbox.confirmation(verified.email)).code }, verified.cookie).expect(200);
      await inbox.confirmation(unverified.email);

      const replies = [];
      for (const email of [unverified.email, verified.email, 'nobody-at-all@example.com']) {
        const res = await resend({ email }).expect(202);
        replies.push(res.body);
      }
      expect(replies[1]).toEqual(replies[0]);
      expect(replies[2]).toEqual(replies[0]);
      expect(replies[0]).toEqual({
        success: true,
        message: 'If this address has an account still to verify, a new code and link are on their way',
      });
      const { token } = await inbox.confirmation(unverified.email);
      await verify({ token }).expect(200);
      expect(inbox.unread(verified.email)).toEqual([]);
      expect(inbox.unread('nobody-at-all@example.com')).toEqual([]);
      await resend({}).expect(400);
    });

    it('limits an address with no account exactly like one with an account', async () => {
      const user = await signUp(t);
      await inbox.confirmation(user.email);
      for (const email of [user.email, 'no-account-limited@example.com']) {
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await resend({ email })).status);
        // The account's signup mail took one of the 3, so it is refused one request earlier.
        expect(statuses).toEqual(email === user.email ? [202, 202, 429, 429] : [202, 202, 202, 429]);
      }
    });
  });

  describe('REQUIRE_VERIFIED_EMAIL=off (the default) keeps the seed behaviour', () => {
    it('signs an unverified user in at once and lets them befriend and chat; a registered email is a 409', async () => {
      const ana = await signUpOnboarded(t);
      const ben = await signUpOnboarded(t, { nativeLanguage: 'english', learningLanguage: 'portuguese' });
      expect((await me(ana.cookie).expect(200)).body.user.emailVerified).toBe(false);
      const request = await t
        .http()
        .post(`/api/users/friend-request/${ben.id}`)
        .set('Cookie', ana.cookie)
        .expect(201);
      await t
        .http()
        .put(`/api/users/friend-request/${request.body._id}/accept`)
        .set('Cookie', ben.cookie)
        .expect(200);
      await t.http().get('/api/chats/token').set('Cookie', ana.cookie).expect(200);
      await t.http().post(`/api/chats/channels/direct/${ben.id}`).set('Cookie', ana.cookie).expect(201);
      const login = await t.http().post('/api/auth/login').send({ email: ana.email, password: ana.password });
      expect(login.status).toBe(200);
      expect(authCookie(login)).toMatch(/^jwt=/);
      const dup = await t
        .http()
        .post('/api/auth/signup')
        .send({ email: ana.email, password: 'whatever 123', fullName: 'Copy' })
        .expect(409);
      expect(dup.body).toMatchObject({
        statusCode: 409,
        message: 'Email already exists, please use a different one',
      });
    });
  });

  describe('my data', () => {
    it('exports the verified state and pending verifications, never a token, code or hash', async () => {
      const user = await signUp(t);
      const { code, token } = await inbox.confirmation(user.email);
      const res = await t.http().get('/api/users/me/export').set('Cookie', user.cookie).expect(200);
      expect(res.body.profile.emailVerified).toBe(false);
      expect(res.body.emailVerifications).toEqual([
        {
          purpose: 'verify',
          address: user.email,
          createdAt: expect.any(String),
          expiresAt: expect.any(String),
        },
      ]);
      for (const secret of [token, code, 'tokenHash', 'codeHash']) expect(res.text).not.toContain(secret);

      await verify({ code }, user.cookie).expect(200);
      const after = await t.http().get('/api/users/me/export').set('Cookie', user.cookie).expect(200);
      expect(after.body.profile.emailVerified).toBe(true);
      expect(after.body.emailVerifications).toEqual([]);
    });

    it("drops the account's pending verifications with the account", async () => {
      const user = await signUp(t);
      await inbox.confirmation(user.email);
      expect(await pendingOf(user)).toHaveLength(1);
      await deleteMyAccount(t, user).expect(204);
      expect(await pendingOf(user)).toEqual([]);
    });
  });

  // Last: scans everything the suite above produced.
  it('never puts a mailed code or token in a log line or in a response', () => {
    expect(inbox.secrets.length).toBeGreaterThan(20);
    const logs = t.logs.lines.join('\n');
    // Except the 404s of the GETs above, which echo their own URL (the requester's link) back to the requester.
    const bodies = t.bodies.filter((b) => !b.includes('"message":"Cannot ')).join('\n');
    for (const secret of inbox.secrets) {
      // A 6-digit code could occur by chance inside an id or a timestamp: match it as a word.
      const pattern = new RegExp(`(^|[^\\w-])${secret}($|[^\\w-])`);
      expect({ secret, inLogs: pattern.test(logs) }).toEqual({ secret, inLogs: false });
      expect({ secret, inBodies: pattern.test(bodies) }).toEqual({ secret, inBodies: false });
    }
    expect(logs).toMatch(/user [0-9a-f]{24} verified their email address/);
  });
});
