import { Types } from 'mongoose';
import { StreamChat } from 'stream-chat';
import { createTestApp, signUpOnboarded, SignedUpUser, TestApp } from './harness';

const BCRYPT = /\$2[aby]\$\d{2}\$/;

interface ExportBody {
  profile: Record<string, unknown>;
  friends: { _id: string }[];
  friendRequests: { sent: unknown[]; received: unknown[] };
  blocks: unknown[];
  sessions: { id: string; current: boolean }[];
  syncState: Record<string, unknown>;
  stream: { status: string; data: { users: { user: { id: string }; messages: { text: string }[] }[] } };
}

describe('Data export (GET /api/users/me/export)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ EXPORT_DAILY_LIMIT: '2', EXPORT_STREAM_WAIT_MS: '300' });
  });
  afterEach(() => t.stream.faults.reset());
  afterAll(() => t.close());

  const as = (user: SignedUpUser) => ({
    get: (path: string) => t.http().get(`/api/${path}`).set('Cookie', user.cookie),
    post: (path: string) => t.http().post(`/api/${path}`).set('Cookie', user.cookie),
    put: (path: string) => t.http().put(`/api/${path}`).set('Cookie', user.cookie),
  });

  it('is documented in the OpenAPI document', async () => {
    const { paths } = (await t.http().get('/api/docs-json').expect(200)).body as {
      paths: Record<string, object>;
    };
    expect(Object.keys(paths['/api/users/me/export'])).toEqual(['get']);
  });

  it('returns one document that matches what is stored, with Stream export, and never the hash', async () => {
    const alice = await signUpOnboarded(t);
    const bob = await signUpOnboarded(t);
    const carol = await signUpOnboarded(t);
    const dave = await signUpOnboarded(t);
    const toBob = await as(alice).post(`users/friend-request/${bob.id}`).expect(201);
    await as(bob).put(`users/friend-request/${toBob.body._id}/accept`).expect(200);
    const fromCarol = await as(carol).post(`users/friend-request/${alice.id}`).expect(201);
    await as(alice).post(`users/blocks/${dave.id}`).expect(201);
    const eve = await signUpOnboarded(t);
    await as(eve).post(`users/blocks/${alice.id}`).expect(201);
    const { id: channelId } = (await as(alice).post(`chats/channels/direct/${bob.id}`).expect(201)).body as {
      id: string;
    };
    const server = new StreamChat(t.stream.apiKey, t.stream.apiSecret, { baseURL: t.stream.baseUrl });
    await server.channel('messaging', channelId).sendMessage({ text: 'hola Bob', user_id: alice.id });

    const res = await as(alice).get('users/me/export').expect(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="my-data.json"');
    expect(JSON.stringify(res.body)).not.toMatch(BCRYPT);
    expect(JSON.stringify(res.body)).not.toContain('"password"');

    const stored = await t.db.collection('users').findOne({ _id: new Types.ObjectId(alice.id) });
    const body = res.body as ExportBody;
    expect(body.profile).toMatchObject({
      _id: alice.id,
      email: stored?.email,
      fullName: stored?.fullName,
      nativeLanguage: stored?.nativeLanguage,
      friends: [bob.id],
    });
    expect(body.friends.map((f) => f._id)).toEqual([bob.id]);
    expect(body.friendRequests.sent).toEqual([
      expect.objectContaining({
        _id: toBob.body._id,
        sender: alice.id,
        recipient: bob.id,
        status: 'accepted',
      }),
    ]);
    expect(body.friendRequests.received).toEqual([
      expect.objectContaining({
        _id: fromCarol.body._id,
        sender: carol.id,
        recipient: alice.id,
        status: 'pending',
      }),
    ]);
    expect(body.blocks).toEqual([expect.objectContaining({ _id: dave.id })]);
    const sessions = await t.db
      .collection('sessions')
      .find({ user: new Types.ObjectId(alice.id) })
      .toArray();
    expect(body.sessions.map((x) => x.id).sort()).toEqual(sessions.map((x) => x._id.toString()).sort());
    expect(body.sessions.filter((x) => x.current)).toHaveLength(1);
    expect(body.syncState).toMatchObject({
      pending: stored?.syncPending,
      attempts: stored?.syncAttempts,
      profileVersion: stored?.profileVersion,
    });
    expect(body.stream).toMatchObject({ status: 'completed', taskId: expect.any(String) });
    const [streamUser] = body.stream.data.users;
    expect(streamUser.user.id).toBe(alice.id);
    expect(streamUser.messages.map((m) => m.text)).toEqual(['hola Bob']);
    // Nothing about who blocked me, nor other people's private fields.
    expect(JSON.stringify(body)).not.toContain(eve.id);
    expect(JSON.stringify(body)).not.toContain(bob.email);
  });

  it("gives Stream's task id when Stream's export takes longer than the wait", async () => {
    const erin = await signUpOnboarded(t);
    t.stream.faults.delayTasks(60_000);
    const res = await as(erin).get('users/me/export').expect(200);
    expect(res.body.stream).toEqual({ status: 'pending', taskId: expect.any(String) });
    expect(res.body.profile._id).toBe(erin.id);
  });

  it('still exports the app data when Stream is down', async () => {
    const frank = await signUpOnboarded(t);
    t.stream.faults.failNext(20, 503);
    const down = await as(frank).get('users/me/export').expect(200);
    expect(down.body.stream).toEqual({ status: 'unavailable', reason: expect.any(String) });
    expect(down.body.profile._id).toBe(frank.id);
  });

  it('allows EXPORT_DAILY_LIMIT exports per day, counting concurrent requests exactly', async () => {
    const gina = await signUpOnboarded(t);
    const statuses = await Promise.all(
      Array.from({ length: 5 }, () =>
        as(gina)
          .get('users/me/export')
          .then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    const refused = await as(gina).get('users/me/export').expect(429);
    // The soonest slot frees up a day after the export that took it.
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(86_000);
    expect(refused.body).toEqual({
      statusCode: 429,
      message: 'Data export limit reached (2 per day): try again in 24 hours',
      error: 'Too Many Requests',
    });
    expect(
      await t.db.collection('dataexportslots').countDocuments({ user: new Types.ObjectId(gina.id) }),
    ).toBe(2);
    await t.http().get('/api/users/me/export').expect(401);
  });
});
