import { Types } from 'mongoose';
import {
  authCookie,
  createTestApp,
  newAccount,
  onboardingBody,
  SignedUpUser,
  signUp,
  TestApp,
} from './harness';
import { Mailbox, SUBJECTS } from './mailbox';

const APP_URL = 'http://app.test';
const UNVERIFIED =
  'Please verify your email address first: enter the code or open the link we mailed you ' +
  '(a new one: POST /api/auth/email/verification)';
const VERIFY_BEFORE_SIGN_IN =
  'Please verify your email address before signing in: use the code or link we mailed you ' +
  '(a new one: POST /api/auth/email/verification with your email)';

describe('REQUIRE_VERIFIED_EMAIL=social', () => {
  let t: TestApp;
  let inbox: Mailbox;

  beforeAll(async () => {
    t = await createTestApp({ APP_URL, REQUIRE_VERIFIED_EMAIL: 'social' });
    inbox = new Mailbox(t.mail, APP_URL);
  });
  afterAll(() => t.close());

  const as = (user: SignedUpUser) => ({
    get: (url: string) => t.http().get(url).set('Cookie', user.cookie),
    post: (url: string) => t.http().post(url).set('Cookie', user.cookie),
    put: (url: string) => t.http().put(url).set('Cookie', user.cookie),
  });
  const onboarded = async (): Promise<SignedUpUser> => {
    const user = await signUp(t);
    await as(user).put('/api/auth/onboarding').send(onboardingBody()).expect(200);
    return user;
  };
  const verifyByCode = async (user: SignedUpUser) => {
    const { code } = await inbox.confirmation(user.email);
    await as(user).post('/api/auth/email/verify').send({ code }).expect(200);
  };
  const expectRefused = (res: { status: number; body: unknown }) => {
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ statusCode: 403, message: UNVERIFIED, error: 'Forbidden' });
  };

  it('refuses friend requests, direct channels and chat tokens until the address is verified, then allows them', async () => {
    const ana = await onboarded();
    const ben = await onboarded();
    const cris = await onboarded();
    await verifyByCode(ben);
    // Ana may sign in and receive (and accept) requests: only what reaches others or chat waits.
    const login = await t.http().post('/api/auth/login').send({ email: ana.email, password: ana.password });
    expect(login.status).toBe(200);
    const request = await as(ben).post(`/api/users/friend-request/${ana.id}`).expect(201);
    await as(ana).put(`/api/users/friend-request/${request.body._id}/accept`).expect(200);

    expectRefused(await as(ana).post(`/api/users/friend-request/${cris.id}`));
    expectRefused(await as(ana).post(`/api/chats/channels/direct/${ben.id}`));
    expectRefused(await as(ana).get('/api/chats/token'));
    expectRefused(await as(ana).get('/api/chat/token'));
    const requests = t.db.collection('friendrequests');
    expect(await requests.countDocuments({ sender: new Types.ObjectId(ana.id) })).toBe(0);
    expect(t.stream.state.channels.size).toBe(0);

    await verifyByCode(ana);
    await as(ana).post(`/api/users/friend-request/${cris.id}`).expect(201);
    await as(ana).post(`/api/chats/channels/direct/${ben.id}`).expect(201);
    const token = await as(ana).get('/api/chats/token').expect(200);
    expect(token.body.userId).toBe(ana.id);
    expect(await requests.countDocuments({ sender: new Types.ObjectId(ana.id) })).toBe(1);
  });

  it('keeps the seed answers for signup: a registered email is a 409', async () => {
    const ana = await signUp(t);
    const dup = await t
      .http()
      .post('/api/auth/signup')
      .send(newAccount({ email: ana.email }))
      .expect(409);
    expect(dup.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
  });
});

describe('REQUIRE_VERIFIED_EMAIL=login', () => {
  let t: TestApp;
  let inbox: Mailbox;

  beforeAll(async () => {
    t = await createTestApp({ APP_URL, REQUIRE_VERIFIED_EMAIL: 'login' });
    inbox = new Mailbox(t.mail, APP_URL);
  });
  afterAll(() => t.close());

  const signup = (body: object) => t.http().post('/api/auth/signup').send(body);
  const login = (email: string, password: string) =>
    t.http().post('/api/auth/login').send({ email, password });
  const users = () => t.db.collection('users');
  const hasCookie = (res: { headers: Record<string, unknown> }) =>
    ([] as string[])
      .concat((res.headers['set-cookie'] as string[] | undefined) ?? [])
      .some((c) => c.startsWith('jwt='));
  const CHECK_INBOX = {
    success: true,
    message: 'Check your inbox: we mailed a code and a link to confirm this address; then sign in',
  };

  /** A new account, verified by its link, and signed in. */
  const verifiedAccount = async () => {
    const body = newAccount();
    await signup(body).expect(202);
    const { token } = await inbox.confirmation(body.email);
    await t.http().post('/api/auth/email/verify').send({ token }).expect(200);
    const res = await login(body.email, body.password).expect(200);
    return { ...body, cookie: authCookie(res), id: res.body.user._id as string };
  };

  it('signs nobody in at signup: 202 "check your inbox", no cookie, an unverified account and a code', async () => {
    const body = newAccount();
    const res = await signup(body).expect(202);
    expect(res.body).toEqual(CHECK_INBOX);
    expect(hasCookie(res)).toBe(false);
    const stored = await users().findOne({ email: body.email });
    expect(stored).toMatchObject({ email: body.email, fullName: body.fullName });
    expect(stored?.emailVerifiedAt).toBeUndefined();
    await inbox.confirmation(body.email);
    expect(await t.db.collection('sessions').countDocuments({ user: stored?._id })).toBe(0);
  });

  it('refuses sign-in until verified (403 pointing at the resend path), then signs in', async () => {
    const body = newAccount();
    await signup(body).expect(202);
    const refused = await login(body.email, body.password).expect(403);
    expect(refused.body).toEqual({ statusCode: 403, message: VERIFY_BEFORE_SIGN_IN, error: 'Forbidden' });
    expect(hasCookie(refused)).toBe(false);
    // Only the right password learns that much: a wrong one is the usual 401, as for an unknown address.
    const wrong = await login(body.email, 'not the password').expect(401);
    const unknown = await login('nobody-there@example.com', 'not the password').expect(401);
    expect(wrong.body).toEqual(unknown.body);

    const { code } = await inbox.confirmation(body.email);
    const verified = await t
      .http()
      .post('/api/auth/email/verify')
      .send({ email: body.email, code })
      .expect(200);
    expect(hasCookie(verified)).toBe(false);
    const res = await login(body.email, body.password).expect(200);
    expect(res.body.user).toMatchObject({ email: body.email, emailVerified: true });
    await t.http().get('/api/chats/token').set('Cookie', authCookie(res)).expect(200);
  });

  it('answers a signup with a registered address exactly like a new one, and mails its holder instead', async () => {
    const holder = await verifiedAccount();
    const fresh = newAccount();
    const forNew = await signup(fresh).expect(202);
    const forTaken = await signup({ ...newAccount(), email: holder.email.toUpperCase() }).expect(202);
    expect(forTaken.body).toEqual(forNew.body);
    expect(Object.keys(forTaken.headers).sort()).toEqual(Object.keys(forNew.headers).sort());
    expect(hasCookie(forTaken)).toBe(false);

    expect(await users().countDocuments({ email: holder.email })).toBe(1);
    const notice = await inbox.next(holder.email, SUBJECTS.registered);
    expect(notice.text).toContain(APP_URL);
    expect(notice.text).not.toMatch(/Your code/); // verified already: nothing to confirm
    await inbox.confirmation(fresh.email);
    // The holder's password and session are untouched.
    await login(holder.email, holder.password).expect(200);
    await t.http().get('/api/auth/me').set('Cookie', holder.cookie).expect(200);
  });

  it('takes comparable time for a new and a registered address (both well within 1 s)', async () => {
    const holder = await verifiedAccount();
    const timed = async (email: string) => {
      const started = process.hrtime.bigint();
      await signup({ ...newAccount(), email }).expect(202);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const fresh: number[] = [];
    const taken: number[] = [];
    for (let i = 0; i < 5; i++) {
      fresh.push(await timed(newAccount().email));
      taken.push(await timed(holder.email));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    expect(median(fresh)).toBeLessThan(1000);
    expect(median(taken)).toBeLessThan(1000);
  });

  it('gives the holder of a registered, never verified address a fresh code with the notice', async () => {
    const first = newAccount();
    await signup(first).expect(202);
    await inbox.confirmation(first.email);
    await signup({ ...newAccount(), email: first.email }).expect(202);
    const { code } = inbox.confirmationIn(await inbox.next(first.email, SUBJECTS.registered));
    await t.http().post('/api/auth/email/verify').send({ email: first.email, code }).expect(200);
    // The account keeps the password it was created with.
    await login(first.email, first.password).expect(200);
  });

  it('resends without revealing accounts: one answer for every address, a mail only to one still to verify', async () => {
    const pending = newAccount();
    await signup(pending).expect(202);
    await inbox.confirmation(pending.email);
    const verified = await verifiedAccount();
    const replies = await Promise.all(
      [pending.email, verified.email, 'no-such-account@example.com'].map(async (email) => {
        const res = await t.http().post('/api/auth/email/verification').send({ email }).expect(202);
        return res.body as unknown;
      }),
    );
    expect(new Set(replies.map((r) => JSON.stringify(r))).size).toBe(1);
    const { token } = await inbox.confirmation(pending.email);
    await t.http().post('/api/auth/email/verify').send({ token }).expect(200);
    await login(pending.email, pending.password).expect(200);
    expect(inbox.unread(verified.email)).toEqual([]);
    expect(inbox.unread('no-such-account@example.com')).toEqual([]);
  });

  it('answers an email change to a registered address like one to a free address, and tells its holder', async () => {
    const mover = await verifiedAccount();
    const holder = await verifiedAccount();
    const change = (email: string) =>
      t.http().put('/api/auth/email').set('Cookie', mover.cookie).send({ email, password: mover.password });
    const toFree = await change(newAccount().email).expect(202);
    const toTaken = await change(holder.email).expect(202);
    expect(toTaken.body).toEqual(toFree.body);
    await inbox.next(holder.email, SUBJECTS.registered);
    expect(inbox.unread(holder.email)).toEqual([]);
    const stored = await users().findOne({ _id: new Types.ObjectId(mover.id) });
    expect(stored?.email).toBe(mover.email);
  });
});
