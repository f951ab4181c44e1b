import jwt from 'jsonwebtoken';
import { Types } from 'mongoose';
import {
  authCookie,
  chatToken,
  connectChat,
  createTestApp,
  signUp,
  SignedUpUser,
  TEST_JWT_SECRET,
  TestApp,
} from './harness';

const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

describe('Sessions (/api/auth)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // No STREAM_TOKEN_TTL_SECONDS: chat tokens live as long as their session.
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const me = (cookie: string) => t.http().get('/api/auth/me').set('Cookie', cookie);

  /** A second device: signs in again with the same account. */
  const login = async (user: SignedUpUser, userAgent = FIREFOX_LINUX): Promise<string> => {
    const res = await t
      .http()
      .post('/api/auth/login')
      .set('User-Agent', userAgent)
      .send({ email: user.email, password: user.password })
      .expect(200);
    return authCookie(res);
  };

  const connect = (userId: string, userToken: string) => connectChat(t.stream, userId, userToken);

  const sessionsOf = (userId: string) =>
    t.db.collection('sessions').countDocuments({ user: new Types.ObjectId(userId) });

  it('a cookie copied before logout is refused after it', async () => {
    const user = await signUp(t);
    const copied = user.cookie;
    await me(copied).expect(200);

    const res = await t.http().post('/api/auth/logout').set('Cookie', user.cookie).expect(200);
    expect(res.body).toEqual({ success: true, message: 'Logout successful' });
    expect(String(res.headers['set-cookie'])).toMatch(/jwt=;/);

    const refused = await me(copied).expect(401);
    expect(refused.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect(await sessionsOf(user.id)).toBe(0);
  });

  it('logout without a session still clears the cookie', async () => {
    await t.http().post('/api/auth/logout').expect(200);
  });

  it('refuses a session token from before sessions existed (no sid)', async () => {
    const user = await signUp(t);
    const legacy = jwt.sign({ userId: user.id }, TEST_JWT_SECRET, { algorithm: 'HS256', expiresIn: '7d' });
    await me(`jwt=${legacy}`).expect(401);
  });

  it('lists my sessions with the current one marked, and ends one of them', async () => {
    const user = await signUp(t);
    const laptop = await login(user, CHROME_MAC);

    const listed = await t.http().get('/api/auth/sessions').set('Cookie', laptop).expect(200);
    expect(listed.body.sessions).toHaveLength(2);
    const current = listed.body.sessions.find((s: { current: boolean }) => s.current);
    const other = listed.body.sessions.find((s: { current: boolean }) => !s.current);
    expect(current).toMatchObject({ device: 'Chrome on macOS', id: expect.any(String), aal: 'aal1' });
    expect(Object.keys(current).sort()).toEqual(
      ['aal', 'createdAt', 'current', 'device', 'expiresAt', 'id', 'lastUsedAt'].sort(),
    );

    await t.http().delete(`/api/auth/sessions/${other.id}`).set('Cookie', laptop).expect(204);
    await me(user.cookie).expect(401);
    await me(laptop).expect(200);
    const after = await t.http().get('/api/auth/sessions').set('Cookie', laptop).expect(200);
    expect(after.body.sessions.map((s: { id: string }) => s.id)).toEqual([current.id]);
  });

  it("answers 404 for someone else's session and leaves it alone", async () => {
    const ana = await signUp(t);
    const bo = await signUp(t);
    const boSessions = await t.http().get('/api/auth/sessions').set('Cookie', bo.cookie).expect(200);
    const boSession = boSessions.body.sessions[0].id as string;

    const res = await t
      .http()
      .delete(`/api/auth/sessions/${boSession}`)
      .set('Cookie', ana.cookie)
      .expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    await t
      .http()
      .delete(`/api/auth/sessions/${new Types.ObjectId().toString()}`)
      .set('Cookie', ana.cookie)
      .expect(404);
    await me(bo.cookie).expect(200);
  });

  it('sign-out everywhere refuses every session and the Stream tokens they got', async () => {
    const user = await signUp(t);
    const phone = await login(user);
    const { token: phoneChat } = await chatToken(t, phone);
    expect(await connect(user.id, phoneChat)).toBe('ok');

    const res = await t.http().post('/api/auth/logout-all').set('Cookie', user.cookie).expect(200);
    expect(res.body).toMatchObject({ success: true });
    expect(String(res.headers['set-cookie'])).toMatch(/jwt=;/);

    await me(phone).expect(401);
    await me(user.cookie).expect(401);
    expect(await sessionsOf(user.id)).toBe(0);
    expect(await connect(user.id, phoneChat)).toBe(40);
  });

  it('mints chat tokens that expire with their session by default', async () => {
    const user = await signUp(t);
    const session = jwt.decode(user.cookie.replace('jwt=', '')) as { exp: number };
    const { token, expiresAt } = await chatToken(t, user.cookie);
    const claims = jwt.decode(token) as { exp: number };
    expect(claims.exp).toBe(session.exp);
    expect(expiresAt).toBe(new Date(session.exp * 1000).toISOString());
  });
});
