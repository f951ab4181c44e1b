import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Types } from 'mongoose';
import {
  authCookie,
  createTestApp,
  deleteMyAccount,
  eventually,
  newAccount,
  onboardingBody,
  signUp,
  TEST_JWT_SECRET,
  TestApp,
} from './harness';

const BCRYPT = /\$2[aby]\$\d{2}\$/;

describe('Accounts (/api/auth)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.stream.faults.reset());
  afterAll(() => t.close());

  describe('POST /signup', () => {
    it('creates the account, sets a hardened cookie and returns the user without secrets', async () => {
      const body = newAccount({ email: '  Ana.Souza@Example.COM ' });
      const res = await t.http().post('/api/auth/signup').send(body).expect(201);

      expect(res.body.success).toBe(true);
      expect(res.body.user).toMatchObject({
        email: 'ana.souza@example.com',
        fullName: body.fullName,
        isOnboarded: false,
        emailVerified: false,
        friends: [],
        role: 'user',
      });
      expect(res.body.user.profilePic).toMatch(/^https:\/\//);
      expect(Object.keys(res.body.user).sort()).toEqual(
        [
          '_id',
          'bio',
          'createdAt',
          'email',
          'emailVerified',
          'friendCount',
          'friends',
          'fullName',
          'isOnboarded',
          'learningLanguage',
          'location',
          'nativeLanguage',
          'profilePic',
          'role',
          'updatedAt',
        ].sort(),
      );
      const cookie = ([] as string[])
        .concat(res.headers['set-cookie'] ?? [])
        .find((c) => c.startsWith('jwt='));
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Strict/i);
      expect(cookie).toMatch(/Path=\//);
      expect(cookie).toMatch(/Max-Age=604800/);
      expect(cookie).not.toMatch(/Secure/); // only in production

      const stored = await t.db.collection('users').findOne({ email: 'ana.souza@example.com' });
      expect(stored?.password).toMatch(BCRYPT);
      expect(stored?.password).not.toContain(body.password);
    });

    it('mirrors the new user into Stream with id, name and image only', async () => {
      const res = await t.http().post('/api/auth/signup').send(newAccount()).expect(201);
      const streamUser = t.stream.state.users.get(res.body.user._id);
      expect(streamUser).toMatchObject({ id: res.body.user._id, name: res.body.user.fullName });
      expect(streamUser?.image).toBe(res.body.user.profilePic);
      expect(JSON.stringify(streamUser)).not.toContain(res.body.user.email);
      const stored = await t.db.collection('users').findOne({ _id: new Types.ObjectId(res.body.user._id) });
      expect(stored?.syncPending).toBe(false);
    });

    it('rejects a duplicate email (any case) with 409', async () => {
      const body = newAccount();
      await t.http().post('/api/auth/signup').send(body).expect(201);
      const res = await t
        .http()
        .post('/api/auth/signup')
        .send({ ...body, email: body.email.toUpperCase() })
        .expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    });

    it('gives exactly one 201 for 20 concurrent signups with one email', async () => {
      const body = newAccount();
      const statuses = await Promise.all(
        Array.from({ length: 20 }, () =>
          t
            .http()
            .post('/api/auth/signup')
            .send(body)
            .then((r) => r.status),
        ),
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      expect(await t.db.collection('users').countDocuments({ email: body.email })).toBe(1);
    });

    it.each([
      ['a password under 6 bytes', { password: '12345' }],
      ['a password over 72 bytes', { password: 'x'.repeat(73) }],
      ['a multi-byte password over 72 bytes', { password: 'é'.repeat(37) }],
      ['an invalid email', { email: 'not-an-email' }],
      ['an operator instead of an email', { email: { $gt: '' } }],
      ['a number as full name', { fullName: 42 }],
      ['an empty full name', { fullName: '   ' }],
    ])('refuses %s with 400 and stores nothing', async (_label, patch) => {
      const before = await t.db.collection('users').countDocuments();
      const res = await t
        .http()
        .post('/api/auth/signup')
        .send({ ...newAccount(), ...patch })
        .expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(await t.db.collection('users').countDocuments()).toBe(before);
    });

    it('accepts a 72-byte password and logs in with it', async () => {
      const body = newAccount({ password: 'p'.repeat(72) });
      await t.http().post('/api/auth/signup').send(body).expect(201);
      await t.http().post('/api/auth/login').send({ email: body.email, password: body.password }).expect(200);
    });

    it('refuses unknown fields such as isOnboarded', async () => {
      const res = await t
        .http()
        .post('/api/auth/signup')
        .send({ ...newAccount(), isOnboarded: true })
        .expect(400);
      expect(JSON.stringify(res.body.message)).toContain('isOnboarded');
    });

    it('answers malformed JSON with 400 and oversized bodies with 413', async () => {
      await t
        .http()
        .post('/api/auth/signup')
        .set('Content-Type', 'application/json')
        .send('{"email":')
        .expect(400);
      const res = await t
        .http()
        .post('/api/auth/signup')
        .send({ ...newAccount(), fullName: 'x'.repeat(200_000) })
        .expect(413);
      expect(res.body).toMatchObject({ statusCode: 413 });
    });
  });

  describe('POST /login', () => {
    it('signs in with the right password, case-insensitively by email', async () => {
      const user = await signUp(t);
      const res = await t
        .http()
        .post('/api/auth/login')
        .send({ email: user.email.toUpperCase(), password: user.password })
        .expect(200);
      expect(res.body).toMatchObject({ success: true, user: { _id: user.id, email: user.email } });
      const me = await t.http().get('/api/auth/me').set('Cookie', authCookie(res)).expect(200);
      expect(me.body.user._id).toBe(user.id);
    });

    it('answers a wrong password and an unknown email with the same 401', async () => {
      const user = await signUp(t);
      const wrong = await t.http().post('/api/auth/login').send({ email: user.email, password: 'nope-nope' });
      const unknown = await t
        .http()
        .post('/api/auth/login')
        .send({ email: 'nobody@example.com', password: 'nope-nope' });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body.message).toBe('Invalid email or password');
      expect(wrong.headers['set-cookie']).toBeUndefined();
    });

    it('refuses operator injection with 400 before any query', async () => {
      const res = await t
        .http()
        .post('/api/auth/login')
        .send({ email: { $gt: '' }, password: { $gt: '' } })
        .expect(400);
      expect(res.body.statusCode).toBe(400);
    });
  });

  describe('POST /logout', () => {
    it('clears the cookie', async () => {
      const res = await t.http().post('/api/auth/logout').expect(200);
      expect(res.body).toEqual({ success: true, message: 'Logout successful' });
      const cookie = ([] as string[])
        .concat(res.headers['set-cookie'] ?? [])
        .find((c) => c.startsWith('jwt='));
      expect(cookie).toMatch(/^jwt=;/);
      expect(cookie).toMatch(/Expires=Thu, 01 Jan 1970/);
    });
  });

  describe('onboarding', () => {
    it('sets exactly the profile fields, marks the user onboarded and syncs Stream', async () => {
      const user = await signUp(t);
      const res = await t
        .http()
        .put('/api/auth/onboarding')
        .set('Cookie', user.cookie)
        .send(
          onboardingBody({
            fullName: 'Ana Onboarded',
            profilePic: 'https://img.example.com/a.png',
            nativeLanguage: ' Portuguese ',
            learningLanguage: 'ENGLISH',
          }),
        )
        .expect(200);
      expect(res.body).toMatchObject({
        success: true,
        user: {
          _id: user.id,
          fullName: 'Ana Onboarded',
          nativeLanguage: 'portuguese',
          learningLanguage: 'english',
          isOnboarded: true,
          profilePic: 'https://img.example.com/a.png',
        },
      });
      expect(t.stream.state.users.get(user.id)).toMatchObject({
        name: 'Ana Onboarded',
        image: 'https://img.example.com/a.png',
      });
    });

    it('is also served at POST /onboarding for the seed frontend', async () => {
      const user = await signUp(t);
      const res = await t
        .http()
        .post('/api/auth/onboarding')
        .set('Cookie', user.cookie)
        .send(onboardingBody())
        .expect(200);
      expect(res.body.user.isOnboarded).toBe(true);
    });

    it('lists missing fields with 400', async () => {
      const user = await signUp(t);
      const res = await t
        .http()
        .put('/api/auth/onboarding')
        .set('Cookie', user.cookie)
        .send({ fullName: 'Ana', bio: '' })
        .expect(400);
      expect(res.body.missingFields.sort()).toEqual([
        'bio',
        'learningLanguage',
        'location',
        'nativeLanguage',
      ]);
    });

    it.each(['email', 'password', 'isOnboarded', 'friends', '_id', 'role'])(
      'refuses %s in the body with 400 naming it, and writes nothing',
      async (field) => {
        const user = await signUp(t);
        const before = await t.db.collection('users').findOne({ _id: new Types.ObjectId(user.id) });
        const res = await t
          .http()
          .put('/api/auth/onboarding')
          .set('Cookie', user.cookie)
          .send({ ...onboardingBody(), [field]: field === 'friends' ? [user.id] : 'x' })
          .expect(400);
        expect(JSON.stringify(res.body.message)).toContain(field);
        const after = await t.db.collection('users').findOne({ _id: new Types.ObjectId(user.id) });
        expect(after).toEqual(before);
      },
    );

    it('needs authentication', async () => {
      await t.http().put('/api/auth/onboarding').send(onboardingBody()).expect(401);
    });
  });

  describe('authentication', () => {
    const forge = (payload: object, secret: string, algorithm: jwt.Algorithm = 'HS256') =>
      jwt.sign(payload, secret, { algorithm, expiresIn: '1h' });

    it('answers a missing token with the seed message', async () => {
      const res = await t.http().get('/api/auth/me').expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, message: 'Unauthorized: No token provided' });
    });

    it('accepts the token as a Bearer header too', async () => {
      const user = await signUp(t);
      const token = user.cookie.slice('jwt='.length);
      await t.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    });

    it('refuses forged, malformed, expired and foreign-algorithm tokens with 401', async () => {
      const user = await signUp(t);
      const header = (alg: string) => Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
      const body = Buffer.from(JSON.stringify({ userId: user.id })).toString('base64url');
      const hs512 = `${header('HS512')}.${body}.${createHmac('sha512', TEST_JWT_SECRET)
        .update(`${header('HS512')}.${body}`)
        .digest('base64url')}`;
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const tokens = {
        wrongSecret: forge({ userId: user.id }, 'another-secret-another-secret-another-secret'),
        none: `${header('none')}.${body}.`,
        hs512,
        rs256: jwt.sign({ userId: user.id }, privateKey, { algorithm: 'RS256' }),
        malformed: 'not.a.jwt',
        garbage: '%%%',
        expired: jwt.sign({ userId: user.id, exp: Math.floor(Date.now() / 1000) - 10 }, TEST_JWT_SECRET),
        noUserId: forge({ sub: user.id }, TEST_JWT_SECRET),
        badUserId: forge({ userId: 'not-an-object-id' }, TEST_JWT_SECRET),
      };
      for (const [name, token] of Object.entries(tokens)) {
        const res = await t.http().get('/api/auth/me').set('Cookie', `jwt=${token}`);
        expect({ name, status: res.status }).toEqual({ name, status: 401 });
        expect(res.body.statusCode).toBe(401);
      }
    });

    it('refuses a valid token whose session does not exist', async () => {
      const ghost = forge(
        { userId: new Types.ObjectId().toString(), sid: new Types.ObjectId().toString() },
        TEST_JWT_SECRET,
      );
      const res = await t.http().get('/api/auth/me').set('Cookie', `jwt=${ghost}`).expect(401);
      expect(res.body.message).toBe('Unauthorized: Session ended, please sign in again');
    });

    it('refuses the token of a deleted account: deletion ends its sessions', async () => {
      const user = await signUp(t);
      await deleteMyAccount(t, user).expect(204);
      expect(await t.db.collection('sessions').countDocuments({ user: new Types.ObjectId(user.id) })).toBe(0);
      for (const path of ['/api/auth/me', '/api/chats/token']) {
        const res = await t.http().get(path).set('Cookie', user.cookie).expect(401);
        expect(res.body.message).toBe('Unauthorized: Session ended, please sign in again');
      }
    });
  });

  describe('Stream outages never fail or lose a signup', () => {
    it('signs up while Stream fails, then mirrors the user once Stream recovers', async () => {
      t.stream.faults.refuseConnections(true);
      const res = await t.http().post('/api/auth/signup').send(newAccount()).expect(201);
      const id = res.body.user._id as string;
      expect(t.stream.state.users.has(id)).toBe(false);
      const pending = await t.http().get('/api/health').expect(200);
      expect(pending.body.info.stream.pendingSyncs).toBeGreaterThanOrEqual(1);

      t.stream.faults.refuseConnections(false);
      await eventually(() => t.stream.state.users.has(id), 30_000);
      await eventually(
        async () =>
          (await t.db.collection('users').findOne({ _id: new Types.ObjectId(id) }))?.syncPending === false,
      );
    });

    it('keeps retrying through 5xx answers', async () => {
      t.stream.faults.failNext(3, 503);
      const res = await t.http().post('/api/auth/signup').send(newAccount()).expect(201);
      await eventually(() => t.stream.state.users.has(res.body.user._id), 30_000);
    });

    it('keeps a change made while an older version was being pushed, and pushes it next', async () => {
      const user = await signUp(t);
      const users = t.db.collection('users');
      const _id = new Types.ObjectId(user.id);
      t.stream.faults.setLatency(300); // the inline push of the onboarding is in flight for 300 ms
      const onboarding = t
        .http()
        .put('/api/auth/onboarding')
        .set('Cookie', user.cookie)
        .send(onboardingBody());
      const response = onboarding.then((r) => r);
      await eventually(async () => (await users.findOne({ _id }))?.isOnboarded === true, 5000);
      // A second change lands while version 2 is on its way to Stream.
      await users.updateOne(
        { _id },
        { $set: { fullName: 'Renamed Meanwhile' }, $inc: { profileVersion: 1 } },
      );
      expect((await response).status).toBe(200);
      t.stream.faults.setLatency(0);

      // Had the push of version 2 cleared the pending state, or kept its lease (SYNC_LEASE_MS = 30 s), the
      // rename would never reach Stream within 10 s.
      await eventually(() => t.stream.state.users.get(user.id)?.name === 'Renamed Meanwhile', 10_000);
      await eventually(async () => (await users.findOne({ _id }))?.syncPending === false);
    });

    it('answers signup within STREAM_TIMEOUT_MS (+ margin) when Stream is slow', async () => {
      t.stream.faults.setLatency(5000);
      const started = Date.now();
      const res = await t.http().post('/api/auth/signup').send(newAccount()).expect(201);
      expect(Date.now() - started).toBeLessThan(1000 + 1500);
      t.stream.faults.setLatency(0);
      await eventually(() => t.stream.state.users.has(res.body.user._id), 30_000);
    });
  });

  // Declared last so it scans the responses of every test above.
  it('never returned a password hash or a password field in any response of this suite', () => {
    expect(t.bodies.length).toBeGreaterThan(20);
    for (const body of t.bodies) {
      expect(body).not.toMatch(BCRYPT);
      expect(body).not.toMatch(/"password"\s*:/);
    }
  });

  it('never logs passwords, hashes, tokens or cookies', async () => {
    const user = await signUp(t, { password: 'a-very-distinct-password' });
    await t.http().post('/api/auth/login').send({ email: user.email, password: 'a-very-distinct-password' });
    const token = user.cookie.slice('jwt='.length);
    const all = t.logs.lines.join('\n');
    expect(all).not.toContain('a-very-distinct-password');
    expect(all).not.toContain(token);
    expect(all).not.toMatch(BCRYPT);
    expect(all).not.toContain(TEST_JWT_SECRET);
    expect(all).not.toContain(t.stream.apiSecret);
    expect(all).not.toMatch(/"(cookie|authorization|set-cookie)"/i);
    // The scan covers the JSON access lines: the login above is one of them.
    expect(t.logs.entries()).toContainEqual(
      expect.objectContaining({ method: 'POST', route: '/api/auth/login', status: 200 }),
    );
  });
});

describe('Login throttling', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ THROTTLE_LOGIN_LIMIT: '3', TRUST_PROXY: 'loopback' });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After past the per-client limit', async () => {
    const attempt = () =>
      t.http().post('/api/auth/login').send({ email: 'x@example.com', password: 'wrongpass' });
    for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    const seconds = Number(limited.headers['retry-after']);
    expect(seconds).toBeGreaterThan(0);
    expect(limited.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `Too many attempts: try again in ${seconds} second${seconds === 1 ? '' : 's'}`,
    });
  });

  it('counts a password guess on DELETE /api/users/me against the same limit as logins', async () => {
    const ip = '192.0.2.44';
    const user = await signUp(t);
    const login = () =>
      t
        .http()
        .post('/api/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ email: user.email, password: 'wrong-1' });
    const deleteMe = () =>
      t
        .http()
        .delete('/api/users/me')
        .set('X-Forwarded-For', ip)
        .set('Cookie', user.cookie)
        .send({ password: 'wrong-2' });
    expect((await login()).status).toBe(401);
    expect((await deleteMe()).status).toBe(401);
    expect((await login()).status).toBe(401);
    expect((await deleteMe()).status).toBe(429);
    expect((await login()).status).toBe(429);
  });

  it('counts clients behind a trusted proxy separately (X-Forwarded-For)', async () => {
    const attempt = (ip: string) =>
      t
        .http()
        .post('/api/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ email: 'x@example.com', password: 'wrongpass' });
    for (let i = 0; i < 3; i++) expect((await attempt('203.0.113.7')).status).toBe(401);
    expect((await attempt('203.0.113.7')).status).toBe(429);
    expect((await attempt('198.51.100.20')).status).toBe(401);
  });
});
