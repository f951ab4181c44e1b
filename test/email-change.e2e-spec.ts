import { Types } from 'mongoose';
import {
  authCookie,
  chatToken,
  connectChat,
  createTestApp,
  eventually,
  newAccount,
  SignedUpUser,
  signUp,
  TestApp,
} from './harness';
import { Mailbox, SUBJECTS } from './mailbox';

const APP_URL = 'http://app.test';

describe('Changing my email address (PUT /api/auth/email)', () => {
  let t: TestApp;
  let inbox: Mailbox;

  beforeAll(async () => {
    t = await createTestApp({ APP_URL, THROTTLE_ACCOUNT_LOGIN_LIMIT: '1000' });
    inbox = new Mailbox(t.mail, APP_URL);
  });
  afterAll(() => t.close());

  const change = (user: SignedUpUser, email: string, password = user.password) =>
    t.http().put('/api/auth/email').set('Cookie', user.cookie).send({ email, password });
  const confirm = (body: object, cookie?: string) => {
    const req = t.http().post('/api/auth/email/verify');
    return (cookie ? req.set('Cookie', cookie) : req).send(body);
  };
  const login = (email: string, password: string) =>
    t.http().post('/api/auth/login').send({ email, password });
  const me = (cookie: string) => t.http().get('/api/auth/me').set('Cookie', cookie);
  const stored = async (user: SignedUpUser) =>
    (await t.db.collection('users').findOne({ _id: new Types.ObjectId(user.id) }))!;
  /** A signed-up user whose signup mail was read (so the next mail to them is the one a test expects). */
  const account = async () => {
    const user = await signUp(t);
    await inbox.confirmation(user.email);
    return user;
  };

  it('sends a code to the new address, changes the address only on confirmation, tells the old one and ends the other sessions', async () => {
    const user = await account();
    const other = authCookie(await login(user.email, user.password).expect(200));
    const otherChat = (await chatToken(t, other)).token;
    const versionBefore = (await stored(user)).profileVersion as number;
    const streamBefore = t.stream.state.users.get(user.id)?.updated_at as string;
    const newEmail = `new-${user.email}`;

    const res = await change(user, newEmail.toUpperCase()).expect(202);
    expect(res.body).toEqual({
      success: true,
      message: 'A code and link are on their way to your new address',
    });
    const { code } = await inbox.confirmation(newEmail, SUBJECTS.change);
    // Nothing changed yet: address, sessions, and no mail to the old address.
    expect((await stored(user)).email).toBe(user.email);
    expect((await me(other).expect(200)).body.user.email).toBe(user.email);
    await login(newEmail, user.password).expect(401);
    expect(inbox.unread(user.email)).toEqual([]);

    const done = await confirm({ code }, user.cookie).expect(200);
    expect(done.body).toEqual({
      success: true,
      message: 'Email address changed and verified; your other sessions were signed out',
    });
    const after = await stored(user);
    expect(after.email).toBe(newEmail);
    expect(after.emailVerifiedAt).toBeInstanceOf(Date);
    expect((await me(user.cookie).expect(200)).body.user).toMatchObject({
      email: newEmail,
      emailVerified: true,
    });
    await me(other).expect(401);
    expect(await connectChat(t.stream, user.id, otherChat)).toBe(40);
    await login(user.email, user.password).expect(401);
    await login(newEmail, user.password).expect(200);

    const notice = await inbox.next(user.email, SUBJECTS.changed);
    expect(notice.text).toContain(newEmail);
    expect(notice.text).not.toMatch(/Your code/);

    // Through the Stream mirror: a new version, pushed (Stream is given no email: nothing to update there but the
    // version), and no email in the Stream user.
    expect(after.profileVersion).toBeGreaterThan(versionBefore);
    await eventually(async () => (await stored(user)).syncPending === false);
    const streamUser = t.stream.state.users.get(user.id);
    expect(Date.parse(streamUser?.updated_at as string)).toBeGreaterThan(Date.parse(streamBefore));
    expect(JSON.stringify(streamUser)).not.toContain('@');
  });

  it('confirms by the link without a session: every session ends', async () => {
    const user = await account();
    const newEmail = `link-${user.email}`;
    await change(user, newEmail).expect(202);
    const { token } = await inbox.confirmation(newEmail, SUBJECTS.change);
    await confirm({ token }).expect(200);
    expect((await stored(user)).email).toBe(newEmail);
    await me(user.cookie).expect(401);
    await confirm({ token }).expect(400);
  });

  it('refuses a wrong password (401) and changes and mails nothing', async () => {
    const user = await account();
    const res = await change(user, `never-${user.email}`, 'not my password').expect(401);
    expect(res.body).toEqual({ statusCode: 401, message: 'Invalid password', error: 'Unauthorized' });
    expect(
      await t.db
        .collection('email_verifications')
        .countDocuments({ purpose: 'change', user: new Types.ObjectId(user.id) }),
    ).toBe(0);
    expect(inbox.unread(`never-${user.email}`)).toEqual([]);
  });

  it('refuses my current address (400) and one another account has (409)', async () => {
    const user = await account();
    const other = await account();
    await change(user, user.email).expect(400);
    const taken = await change(user, other.email).expect(409);
    expect(taken.body).toMatchObject({
      statusCode: 409,
      message: 'Email already exists, please use a different one',
    });
    expect(inbox.unread(other.email)).toEqual([]);
  });

  it('answers 409 when another account took the address before the confirmation, and keeps mine', async () => {
    const user = await account();
    const wanted = `wanted-${user.email}`;
    await change(user, wanted).expect(202);
    const { code } = await inbox.confirmation(wanted, SUBJECTS.change);
    await t
      .http()
      .post('/api/auth/signup')
      .send(newAccount({ email: wanted }))
      .expect(201);

    const res = await confirm({ email: wanted, code }).expect(409);
    expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect((await stored(user)).email).toBe(user.email);
    await me(user.cookie).expect(200);
    await login(user.email, user.password).expect(200);
  });

  it('makes the links sent to the old address useless: its verification and a password reset', async () => {
    const user = await signUp(t);
    const old = await inbox.confirmation(user.email);
    await t.http().post('/api/auth/password/forgot').send({ email: user.email }).expect(202);
    const reset = /reset-password\?token=([\w-]+)/.exec(
      (await inbox.next(user.email, 'Reset your password')).text,
    );
    const newEmail = `fresh-${user.email}`;
    await change(user, newEmail).expect(202);
    const { code } = await inbox.confirmation(newEmail, SUBJECTS.change);
    await confirm({ code }, user.cookie).expect(200);
    await confirm({ token: old.token }).expect(400);
    await t
      .http()
      .post('/api/auth/password/reset')
      .send({ token: reset?.[1], newPassword: 'taken over 123' })
      .expect(400);
    await login(newEmail, user.password).expect(200);
    expect((await me(user.cookie).expect(200)).body.user).toMatchObject({
      email: newEmail,
      emailVerified: true,
    });
  });

  it('shares the login limit per client for its password guesses; the verification routes have their own', async () => {
    const limited = await createTestApp({
      THROTTLE_LOGIN_LIMIT: '2',
      THROTTLE_EMAIL_VERIFICATION_LIMIT: '2',
    });
    try {
      const user = await signUp(limited);
      const put = () =>
        limited
          .http()
          .put('/api/auth/email')
          .set('Cookie', user.cookie)
          .send({ email: `x-${user.email}`, password: 'wrong guess' });
      await put().expect(401);
      await limited.http().post('/api/auth/login').send({ email: user.email, password: 'nope' }).expect(401);
      const res = await put().expect(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);

      const guess = () =>
        limited
          .http()
          .post('/api/auth/email/verify')
          .send({ token: 'x'.repeat(43) });
      await guess().expect(400);
      await guess().expect(400);
      const limitedGuess = await guess().expect(429);
      const wait = Number(limitedGuess.headers['retry-after']);
      expect(wait).toBeGreaterThan(0);
      expect(limitedGuess.body).toEqual({
        statusCode: 429,
        message: `Too many attempts: try again in ${wait} second${wait === 1 ? '' : 's'}`,
        error: 'Too Many Requests',
      });
    } finally {
      await limited.close();
    }
  });

  it('never puts a mailed code or token in a log line or in a response', () => {
    const logs = t.logs.lines.join('\n');
    const bodies = t.bodies.join('\n');
    expect(inbox.secrets.length).toBeGreaterThan(10);
    for (const secret of inbox.secrets) {
      const pattern = new RegExp(`(^|[^\\w-])${secret}($|[^\\w-])`);
      expect({ secret, leaked: pattern.test(logs) || pattern.test(bodies) }).toEqual({
        secret,
        leaked: false,
      });
    }
  });
});
