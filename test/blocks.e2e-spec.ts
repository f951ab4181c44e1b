import { Types } from 'mongoose';
import { StreamChat, type Event } from 'stream-chat';
import { createTestApp, signUpOnboarded, SignedUpUser, TestApp } from './harness';

const oid = (id: string) => new Types.ObjectId(id);

describe('Blocking (/api/users/blocks)', () => {
  let t: TestApp;
  const clients: StreamChat[] = [];

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    t.stream.faults.reset();
    await Promise.all(clients.splice(0).map((c) => c.disconnectUser(50)));
  });
  afterAll(() => t.close());

  const as = (user: SignedUpUser) => ({
    get: (path: string) => t.http().get(`/api/${path}`).set('Cookie', user.cookie),
    post: (path: string) => t.http().post(`/api/${path}`).set('Cookie', user.cookie),
    put: (path: string) => t.http().put(`/api/${path}`).set('Cookie', user.cookie),
    del: (path: string) => t.http().delete(`/api/${path}`).set('Cookie', user.cookie),
  });

  const befriend = async (a: SignedUpUser, b: SignedUpUser) => {
    const sent = await as(a).post(`users/friend-request/${b.id}`).expect(201);
    await as(b).put(`users/friend-request/${sent.body._id}/accept`).expect(200);
  };

  const recommendedIds = async (user: SignedUpUser): Promise<string[]> =>
    ((await as(user).get('users?limit=100').expect(200)).body as { _id: string }[]).map((u) => u._id);

  const blocksStored = () => t.db.collection('blocks').countDocuments();

  /** A browser's stream-chat client for this user, connected with a token from the API. */
  const chatClient = async (user: SignedUpUser): Promise<StreamChat> => {
    const { token } = (await as(user).get('chats/token').expect(200)).body as { token: string };
    const client = new StreamChat(t.stream.apiKey, {
      baseURL: t.stream.baseUrl,
      allowServerSideConnect: true,
    });
    client.defaultWSTimeout = 1000;
    clients.push(client);
    await client.connectUser({ id: user.id }, token);
    return client;
  };

  it('is documented in the OpenAPI document', async () => {
    const { paths } = (await t.http().get('/api/docs-json').expect(200)).body as {
      paths: Record<string, object>;
    };
    expect(Object.keys(paths['/api/users/blocks/{id}']).sort()).toEqual(['delete', 'post']);
    expect(Object.keys(paths['/api/users/blocks'])).toEqual(['get']);
  });

  it('blocks once, idempotently, lists the blocked user and unblocks', async () => {
    const alice = await signUpOnboarded(t);
    const bob = await signUpOnboarded(t);

    const first = await as(alice).post(`users/blocks/${bob.id}`).expect(201);
    expect(first.body).toEqual({ blockedUserId: bob.id, blockedAt: expect.any(String) });
    const again = await as(alice).post(`users/blocks/${bob.id}`).expect(200);
    expect(again.body.blockedAt).toBe(first.body.blockedAt);
    expect(await t.db.collection('blocks').countDocuments({ blocker: oid(alice.id) })).toBe(1);

    const list = await as(alice).get('users/blocks').expect(200);
    expect(list.body).toEqual([
      {
        _id: bob.id,
        fullName: expect.any(String),
        profilePic: expect.any(String),
        blockedAt: first.body.blockedAt,
      },
    ]);
    // One-directional: bob does not see who blocked him.
    expect((await as(bob).get('users/blocks').expect(200)).body).toEqual([]);

    await as(alice).del(`users/blocks/${bob.id}`).expect(204);
    await as(alice).del(`users/blocks/${bob.id}`).expect(204);
    expect((await as(alice).get('users/blocks').expect(200)).body).toEqual([]);
  });

  it('refuses a malformed id, myself and an unknown user, storing nothing', async () => {
    const alice = await signUpOnboarded(t);
    const before = await blocksStored();
    await as(alice).post('users/blocks/not-an-id').expect(400);
    await as(alice).post(`users/blocks/${alice.id}`).expect(400);
    const unknown = await as(alice).post(`users/blocks/${new Types.ObjectId().toString()}`).expect(404);
    expect(unknown.body).toEqual({ statusCode: 404, message: 'User not found', error: 'Not Found' });
    await t.http().post(`/api/users/blocks/${alice.id}`).expect(401);
    expect(await blocksStored()).toBe(before);
  });

  it('hides both users from each other in recommendations, until the block is lifted', async () => {
    const alice = await signUpOnboarded(t);
    const bob = await signUpOnboarded(t);
    expect(await recommendedIds(alice)).toContain(bob.id);

    await as(alice).post(`users/blocks/${bob.id}`).expect(201);
    expect(await recommendedIds(alice)).not.toContain(bob.id);
    expect(await recommendedIds(bob)).not.toContain(alice.id);

    await as(alice).del(`users/blocks/${bob.id}`).expect(204);
    expect(await recommendedIds(bob)).toContain(alice.id);
  });

  it('withdraws pending requests either way and answers the blocked sender exactly as for an unknown user', async () => {
    const alice = await signUpOnboarded(t);
    const bob = await signUpOnboarded(t);
    const carol = await signUpOnboarded(t);
    await as(bob).post(`users/friend-request/${alice.id}`).expect(201);
    await as(alice).post(`users/friend-request/${carol.id}`).expect(201);
    await as(carol).post(`users/blocks/${alice.id}`).expect(201);
    await as(alice).post(`users/blocks/${bob.id}`).expect(201);

    const pairs = (a: string, b: string) => ({
      $or: [
        { sender: oid(a), recipient: oid(b) },
        { sender: oid(b), recipient: oid(a) },
      ],
    });
    expect(await t.db.collection('friendrequests').countDocuments(pairs(alice.id, bob.id))).toBe(0);
    expect(await t.db.collection('friendrequests').countDocuments(pairs(alice.id, carol.id))).toBe(0);
    expect((await as(alice).get('users/friend-requests').expect(200)).body.incomingReqs).toEqual([]);
    expect((await as(alice).get('users/outgoing-friend-requests').expect(200)).body).toEqual([]);

    const blocked = await as(bob).post(`users/friend-request/${alice.id}`).expect(404);
    const unknown = await as(bob).post(`users/friend-request/${new Types.ObjectId().toString()}`).expect(404);
    expect(blocked.body).toEqual(unknown.body);
    await as(alice).post(`users/friend-request/${carol.id}`).expect(404);
    // The blocker is told to unblock first.
    await as(alice).post(`users/friend-request/${bob.id}`).expect(409);
    expect(await t.db.collection('friendrequests').countDocuments(pairs(alice.id, bob.id))).toBe(0);

    await as(alice).del(`users/blocks/${bob.id}`).expect(204);
    await as(bob).post(`users/friend-request/${alice.id}`).expect(201);
  });

  it('ends a friendship and refuses the direct channel', async () => {
    const alice = await signUpOnboarded(t);
    const bob = await signUpOnboarded(t);
    await befriend(alice, bob);
    await as(alice).post(`chats/channels/direct/${bob.id}`).expect(201);

    await as(bob).post(`users/blocks/${alice.id}`).expect(201);
    expect((await as(alice).get('users/friends').expect(200)).body).toEqual([]);
    expect((await as(bob).get('users/friends').expect(200)).body).toEqual([]);
    const users = t.db.collection('users');
    expect(await users.countDocuments({ _id: oid(alice.id), friends: oid(bob.id) })).toBe(0);
    expect(await users.countDocuments({ _id: oid(bob.id), friends: oid(alice.id) })).toBe(0);
    await as(alice).post(`chats/channels/direct/${bob.id}`).expect(403);
    await as(bob).post(`chats/channels/direct/${alice.id}`).expect(403);
  });

  it("applies Stream's user block: the blocked user's messages stop reaching the blocker", async () => {
    const alice = await signUpOnboarded(t);
    const bob = await signUpOnboarded(t);
    await befriend(alice, bob);
    const { id: channelId } = (await as(alice).post(`chats/channels/direct/${bob.id}`).expect(201)).body as {
      id: string;
    };
    const aliceChat = await chatClient(alice);
    const bobChat = await chatClient(bob);
    await aliceChat.channel('messaging', channelId).watch();
    const received: string[] = [];
    const marker = new Promise<void>((resolve) =>
      aliceChat.on('message.new', (event: Event) => {
        received.push(event.message?.text ?? '');
        if (event.message?.text === 'alice marker') resolve();
      }),
    );

    await as(alice).post(`users/blocks/${bob.id}`).expect(201);
    expect([...(t.stream.state.blocks.get(alice.id)?.keys() ?? [])]).toEqual([bob.id]);
    await bobChat.channel('messaging', channelId).sendMessage({ text: 'you there?' });
    // One socket delivers in order: had bob's message been delivered, it would arrive before alice's own.
    await aliceChat.channel('messaging', channelId).sendMessage({ text: 'alice marker' });
    await marker;
    expect(received).toEqual(['alice marker']);

    await as(alice).del(`users/blocks/${bob.id}`).expect(204);
    expect(t.stream.state.blocks.get(alice.id)?.size ?? 0).toBe(0);
  });

  it('keeps the block in the app when Stream is down (503), and a retry applies it in Stream', async () => {
    const alice = await signUpOnboarded(t);
    const bob = await signUpOnboarded(t);
    await befriend(alice, bob);
    t.stream.faults.failNext(10, 503);
    await as(alice).post(`users/blocks/${bob.id}`).expect(503);
    expect(await t.db.collection('blocks').countDocuments({ blocker: oid(alice.id) })).toBe(1);
    expect((await as(alice).get('users/friends').expect(200)).body).toEqual([]);
    expect(t.stream.state.blocks.get(alice.id)).toBeUndefined();

    t.stream.faults.reset();
    await as(alice).post(`users/blocks/${bob.id}`).expect(200);
    expect([...(t.stream.state.blocks.get(alice.id)?.keys() ?? [])]).toEqual([bob.id]);
  });

  it('stores one block for many concurrent calls, and no request survives a block racing it', async () => {
    const alice = await signUpOnboarded(t);
    const bob = await signUpOnboarded(t);
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () =>
        as(alice)
          .post(`users/blocks/${bob.id}`)
          .then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(9);
    expect(await t.db.collection('blocks').countDocuments({ blocker: oid(alice.id) })).toBe(1);

    const carol = await signUpOnboarded(t);
    const dave = await signUpOnboarded(t);
    await Promise.all([
      ...Array.from({ length: 5 }, () => as(dave).post(`users/friend-request/${carol.id}`)),
      as(carol).post(`users/blocks/${dave.id}`).expect(201),
    ]);
    expect(
      await t.db
        .collection('friendrequests')
        .countDocuments({ sender: oid(dave.id), recipient: oid(carol.id) }),
    ).toBe(0);
  });

  it("account deletion removes the user's blocks, made and received", async () => {
    const alice = await signUpOnboarded(t);
    const bob = await signUpOnboarded(t);
    const carol = await signUpOnboarded(t);
    await as(alice).post(`users/blocks/${bob.id}`).expect(201);
    await as(carol).post(`users/blocks/${alice.id}`).expect(201);

    await as(alice).del('users/me').send({ password: alice.password }).expect(204);
    const involving = { $or: [{ blocker: oid(alice.id) }, { blocked: oid(alice.id) }] };
    expect(await t.db.collection('blocks').countDocuments(involving)).toBe(0);
  });
});
