import jwt from 'jsonwebtoken';
import { Types } from 'mongoose';
import { StreamChat } from 'stream-chat';
import {
  chatToken,
  connectChat,
  createTestApp,
  eventually,
  onboardingBody,
  signUp,
  signUpOnboarded,
  SignedUpUser,
  TestApp,
} from './harness';

interface StreamClaims {
  user_id: string;
  iat: number;
  exp: number;
}

describe('Chat (/api/chats)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ STREAM_TOKEN_TTL_SECONDS: '600' });
  });
  afterEach(() => t.stream.faults.reset());
  afterAll(() => t.close());

  const token = (user: SignedUpUser, path?: string) => chatToken(t, user.cookie, path);
  const connect = (userId: string, userToken: string) => connectChat(t.stream, userId, userToken);

  const befriend = async (a: SignedUpUser, b: SignedUpUser) => {
    const users = t.db.collection('users');
    await users.updateOne(
      { _id: new Types.ObjectId(a.id) },
      { $addToSet: { friends: new Types.ObjectId(b.id) } },
    );
    await users.updateOne(
      { _id: new Types.ObjectId(b.id) },
      { $addToSet: { friends: new Types.ObjectId(a.id) } },
    );
  };

  describe('GET /token', () => {
    it('returns a Stream token signed with the app secret, with iat and an exp within the TTL', async () => {
      const user = await signUp(t);
      const before = Math.floor(Date.now() / 1000);
      const body = await token(user);

      expect(body).toMatchObject({ apiKey: t.stream.apiKey, userId: user.id });
      const claims = jwt.verify(body.token, t.stream.apiSecret, { algorithms: ['HS256'] }) as StreamClaims;
      expect(claims.user_id).toBe(user.id);
      expect(claims.iat).toBeLessThanOrEqual(before + 1);
      expect(claims.exp - before).toBeGreaterThanOrEqual(599);
      expect(claims.exp - before).toBeLessThanOrEqual(601);
      expect(new Date(body.expiresAt).getTime()).toBe(claims.exp * 1000);
    });

    it('is also served at /api/chat/token for the seed frontend', async () => {
      const user = await signUp(t);
      const body = await token(user, '/api/chat/token');
      expect((jwt.decode(body.token) as StreamClaims).user_id).toBe(user.id);
    });

    it('lets the client SDK connect to Stream with it', async () => {
      const user = await signUp(t);
      const { token: userToken, userId } = await token(user);
      expect(await connect(userId, userToken)).toBe('ok');
    });

    it('answers 401 with the seed message without a session', async () => {
      const res = await t.http().get('/api/chats/token').expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, message: 'Unauthorized: No token provided' });
      await t.http().get('/api/chats/token').set('Cookie', 'jwt=forged.token.here').expect(401);
    });

    it('stops issuing tokens to a deleted user within seconds', async () => {
      const user = await signUp(t);
      await token(user);
      await t.db.collection('users').deleteOne({ _id: new Types.ObjectId(user.id) });
      await eventually(
        async () => (await t.http().get('/api/chats/token').set('Cookie', user.cookie)).status === 401,
        5000,
      );
    });
  });

  describe('POST /token/revoke', () => {
    it('revokes every earlier token in Stream while new tokens keep working', async () => {
      const user = await signUp(t);
      const old = await token(user);
      expect(await connect(user.id, old.token)).toBe('ok');

      const res = await t.http().post('/api/chats/token/revoke').set('Cookie', user.cookie).expect(200);
      expect(res.body.success).toBe(true);
      const revokedBefore = t.stream.state.users.get(user.id)?.revoke_tokens_issued_before;
      expect(revokedBefore).toBeDefined();
      expect(new Date(revokedBefore as string).toISOString()).toBe(res.body.revokedBefore);

      expect(await connect(user.id, old.token)).toBe(40);
      const fresh = await token(user);
      expect(await connect(user.id, fresh.token)).toBe('ok');
    });

    it("a profile change after a revocation leaves the revoked tokens refused and others' fields in place", async () => {
      const user = await signUpOnboarded(t);
      const old = await token(user);
      await t.http().post('/api/chats/token/revoke').set('Cookie', user.cookie).expect(200);
      // A moderator (or Stream's dashboard) sets fields of its own on the Stream user.
      const moderator = new StreamChat(t.stream.apiKey, t.stream.apiSecret, { baseURL: t.stream.baseUrl });
      const moderatorFields: Record<string, unknown> = { flagged_by: 'moderator', role: 'admin' };
      await moderator.partialUpdateUser({ id: user.id, set: moderatorFields });

      await t
        .http()
        .put('/api/auth/onboarding')
        .set('Cookie', user.cookie)
        .send(onboardingBody({ fullName: 'Renamed After Revoke' }))
        .expect(200);

      expect(t.stream.state.users.get(user.id)).toMatchObject({
        name: 'Renamed After Revoke',
        flagged_by: 'moderator',
        // The role is the app's (granted with the CLI): a role set in Stream does not survive a push.
        role: 'user',
      });
      expect(await connect(user.id, old.token)).toBe(40);
      expect(await connect(user.id, (await token(user)).token)).toBe('ok');
    });

    it('stores the revocation when Stream is down, and the mirror delivers it once Stream is back', async () => {
      const user = await signUp(t);
      const old = await token(user);
      t.stream.faults.refuseConnections(true);
      const res = await t.http().post('/api/chats/token/revoke').set('Cookie', user.cookie).expect(200);
      const stored = await t.db
        .collection('users')
        .findOne(
          { _id: new Types.ObjectId(user.id) },
          { projection: { chatTokensValidFrom: 1, syncPending: 1 } },
        );
      expect(stored).toMatchObject({ syncPending: true });
      expect(new Date((stored?.chatTokensValidFrom as number) * 1000).toISOString()).toBe(
        res.body.revokedBefore,
      );
      expect(t.stream.state.users.get(user.id)?.revoke_tokens_issued_before).toBeUndefined();

      t.stream.faults.refuseConnections(false);
      await eventually(
        () => t.stream.state.users.get(user.id)?.revoke_tokens_issued_before === res.body.revokedBefore,
      );
      expect(await connect(user.id, old.token)).toBe(40);
      expect(await connect(user.id, (await token(user)).token)).toBe('ok');
    });

    it('answers 503 only when the revocation cannot be stored (MongoDB down)', async () => {
      const user = await signUp(t);
      await token(user); // the session check is then cached: the revocation's write is what fails
      await t.mongo!.setFault('refuse');
      const res = await t.http().post('/api/chats/token/revoke').set('Cookie', user.cookie);
      await t.mongo!.setFault('none');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    });
  });

  describe('POST /channels/direct/:userId', () => {
    it('creates the 1:1 channel between friends with both members, then returns the same one', async () => {
      const ana = await signUpOnboarded(t);
      const bo = await signUpOnboarded(t);
      await befriend(ana, bo);
      const id = [ana.id, bo.id].sort().join('-');

      const created = await t
        .http()
        .post(`/api/chats/channels/direct/${bo.id}`)
        .set('Cookie', ana.cookie)
        .expect(201);
      expect(created.body).toEqual({
        type: 'messaging',
        id,
        cid: `messaging:${id}`,
        members: [ana.id, bo.id].sort(),
      });
      const channel = t.stream.state.channels.get(`messaging:${id}`);
      expect(channel?.members.sort()).toEqual([ana.id, bo.id].sort());
      expect(channel?.created_by_id).toBe(ana.id);

      const again = await t
        .http()
        .post(`/api/chats/channels/direct/${ana.id}`)
        .set('Cookie', bo.cookie)
        .expect(200);
      expect(again.body.cid).toBe(created.body.cid);
      expect([...t.stream.state.channels.keys()].filter((cid) => cid === `messaging:${id}`)).toHaveLength(1);
    });

    it('refuses non-friends with 403 and creates nothing', async () => {
      const ana = await signUp(t);
      const stranger = await signUp(t);
      await t.http().post(`/api/chats/channels/direct/${stranger.id}`).set('Cookie', ana.cookie).expect(403);
      expect(t.stream.state.channels.has(`messaging:${[ana.id, stranger.id].sort().join('-')}`)).toBe(false);
    });

    it('answers 400 for a malformed id or myself, and 404 for an unknown user', async () => {
      const ana = await signUp(t);
      const res = await t
        .http()
        .post('/api/chats/channels/direct/not-an-id')
        .set('Cookie', ana.cookie)
        .expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      await t.http().post(`/api/chats/channels/direct/${ana.id}`).set('Cookie', ana.cookie).expect(400);
      const ghost = new Types.ObjectId().toString();
      await t.http().post(`/api/chats/channels/direct/${ghost}`).set('Cookie', ana.cookie).expect(404);
    });

    it('mirrors friends whose Stream sync is still pending before creating the channel', async () => {
      const ana = await signUp(t);
      const bo = await signUp(t);
      await befriend(ana, bo);
      // As after an outage: both still pending (not due for the worker yet) and never acknowledged by Stream.
      await t.db
        .collection('users')
        .updateMany(
          { _id: { $in: [new Types.ObjectId(ana.id), new Types.ObjectId(bo.id)] } },
          { $set: { syncPending: true, syncNextAt: new Date(Date.now() + 3_600_000), inStream: false } },
        );
      t.stream.reset();

      await t.http().post(`/api/chats/channels/direct/${bo.id}`).set('Cookie', ana.cookie).expect(201);
      expect(t.stream.state.users.has(ana.id)).toBe(true);
      expect(t.stream.state.users.has(bo.id)).toBe(true);
      const stored = await t.db.collection('users').findOne({ _id: new Types.ObjectId(ana.id) });
      expect(stored?.syncPending).toBe(false);
    });

    it('answers 503 when Stream is unreachable', async () => {
      const ana = await signUp(t);
      const bo = await signUp(t);
      await befriend(ana, bo);
      t.stream.faults.refuseConnections(true);
      await t.http().post(`/api/chats/channels/direct/${bo.id}`).set('Cookie', ana.cookie).expect(503);
    });
  });
});
