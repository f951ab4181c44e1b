import { StreamChat, type Event } from 'stream-chat';
import {
  createTestApp,
  eventually,
  publicProfileOf,
  SignedUpUser,
  signUpOnboarded,
  TestApp,
} from './harness';

/** The custom events one connected client received, in order. */
interface Listener {
  client: StreamChat;
  events: Event[];
}

describe('Live notifications through Stream (custom user events)', () => {
  const NOTIFY_TIMEOUT_MS = 300;
  let t: TestApp;
  const listeners: Listener[] = [];

  beforeAll(async () => {
    t = await createTestApp({ NOTIFY_TIMEOUT_MS: String(NOTIFY_TIMEOUT_MS) });
  });
  afterEach(async () => {
    t.stream.faults.reset();
    await Promise.all(listeners.splice(0).map((l) => l.client.disconnectUser(50)));
  });
  afterAll(() => t.close());

  const as = (user: SignedUpUser) => ({
    post: (path: string) => t.http().post(`/api/${path}`).set('Cookie', user.cookie),
    put: (path: string) => t.http().put(`/api/${path}`).set('Cookie', user.cookie),
    del: (path: string) => t.http().delete(`/api/${path}`).set('Cookie', user.cookie),
  });

  /** A browser: the real stream-chat client, connected with a token from GET /api/chats/token. */
  const connect = async (user: SignedUpUser): Promise<Listener> => {
    const { token, apiKey } = (await t.http().get('/api/chats/token').set('Cookie', user.cookie).expect(200))
      .body as { token: string; apiKey: string };
    const client = new StreamChat(apiKey, { baseURL: t.stream.baseUrl, allowServerSideConnect: true });
    client.defaultWSTimeout = 1000;
    await client.connectUser({ id: user.id }, token);
    const listener = { client, events: [] as Event[] };
    client.on((event) => {
      if (!event.type.includes('.')) listener.events.push(event);
    });
    listeners.push(listener);
    return listener;
  };

  /** Resolves with the first event of `type` the listener got, waiting at most `ms`. */
  const received = async (listener: Listener, type: string, ms = 1000): Promise<Event> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const event = listener.events.find((e) => e.type === type);
      if (event) return event;
      if (Date.now() > deadline) throw new Error(`no ${type} within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  /** The notifications_total counter for one type and outcome. */
  const counted = async (type: string, outcome: string): Promise<number> => {
    const text = (await t.http().get('/metrics').expect(200)).text;
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`notifications_total{type="${type}",outcome="${outcome}"}`));
    return line ? Number(line.split(' ')[1]) : 0;
  };

  it("delivers A's request to B within 1 s with the request id and A's public profile; C sees nothing", async () => {
    const [a, b, c] = [await signUpOnboarded(t), await signUpOnboarded(t), await signUpOnboarded(t)];
    const [bob, carol] = [await connect(b), await connect(c)];
    const sentBefore = await counted('friend_request_received', 'sent');

    const started = Date.now();
    const sent = await as(a).post(`users/friend-request/${b.id}`).expect(201);
    const event = await received(bob, 'friend_request_received', 1000);

    expect(Date.now() - started).toBeLessThan(1000);
    expect(event).toEqual({
      type: 'friend_request_received',
      requestId: sent.body._id,
      otherUser: publicProfileOf(a),
      created_at: expect.any(String),
      received_at: expect.anything(),
    });
    expect(JSON.stringify(event)).not.toContain(a.email);
    expect(await counted('friend_request_received', 'sent')).toBe(sentBefore + 1);
    await new Promise((r) => setTimeout(r, 200)); // time for a stray event to reach C
    expect(carol.events).toEqual([]);
    expect(bob.events).toHaveLength(1);
  });

  it('tells the sender of an accept and a reject, and the recipient of a withdrawal', async () => {
    const [a, b, c] = [await signUpOnboarded(t), await signUpOnboarded(t), await signUpOnboarded(t)];
    const [alice, bob] = [await connect(a), await connect(b)];

    const toB = (await as(a).post(`users/friend-request/${b.id}`).expect(201)).body as { _id: string };
    await as(b).put(`users/friend-request/${toB._id}/accept`).expect(200);
    expect(await received(alice, 'friend_request_accepted')).toMatchObject({
      requestId: toB._id,
      otherUser: publicProfileOf(b),
    });

    const fromC = (await as(c).post(`users/friend-request/${a.id}`).expect(201)).body as { _id: string };
    await as(c).del(`users/friend-request/${fromC._id}`).expect(200);
    expect(await received(alice, 'friend_request_withdrawn')).toMatchObject({
      requestId: fromC._id,
      otherUser: publicProfileOf(c),
    });

    const carol = await connect(c);
    const again = (await as(c).post(`users/friend-request/${a.id}`).expect(201)).body as { _id: string };
    await as(a).put(`users/friend-request/${again._id}/reject`).expect(200);
    expect(await received(carol, 'friend_request_rejected')).toMatchObject({
      requestId: again._id,
      otherUser: publicProfileOf(a),
    });
    expect(bob.events.map((e) => e.type)).toEqual(['friend_request_received']);
  });

  it("tells the friend of an unfriend, and a blocker's other sessions of a block, never the blocked user", async () => {
    const [a, b] = [await signUpOnboarded(t), await signUpOnboarded(t)];
    const sent = (await as(a).post(`users/friend-request/${b.id}`).expect(201)).body as { _id: string };
    await as(b).put(`users/friend-request/${sent._id}/accept`).expect(200);
    const bob = await connect(b);

    await as(a).del(`users/friends/${b.id}`).expect(200);
    expect(await received(bob, 'friend_removed')).toMatchObject({ otherUser: publicProfileOf(a) });

    const aliceElsewhere = await connect(a);
    const blocked = await as(a).post(`users/blocks/${b.id}`).expect(201);
    expect(await received(aliceElsewhere, 'user_blocked')).toMatchObject({
      otherUser: publicProfileOf(b),
      blockedAt: blocked.body.blockedAt,
    });
    await as(a).post(`users/blocks/${b.id}`).expect(200); // already blocked: nothing new to tell
    await new Promise((r) => setTimeout(r, 200));
    expect(aliceElsewhere.events.map((e) => e.type)).toEqual(['user_blocked']);
    expect(bob.events.map((e) => e.type)).toEqual(['friend_removed']);
  });

  it('never fails or delays the request when Stream fails or is slow, and counts the outcome', async () => {
    const [a, b, c] = [await signUpOnboarded(t), await signUpOnboarded(t), await signUpOnboarded(t)];
    const failedBefore = await counted('friend_request_received', 'failed');
    const timedOutBefore = await counted('friend_request_received', 'timeout');

    t.stream.faults.failNext(1, 500);
    await as(a).post(`users/friend-request/${b.id}`).expect(201);
    await eventually(async () => (await counted('friend_request_received', 'failed')) === failedBefore + 1);

    t.stream.faults.setLatency(2000);
    const started = Date.now();
    await as(a).post(`users/friend-request/${c.id}`).expect(201);
    expect(Date.now() - started).toBeLessThan(1000);
    await eventually(
      async () => (await counted('friend_request_received', 'timeout')) === timedOutBefore + 1,
    );

    // The list endpoints stay the source of truth: both requests are there.
    t.stream.faults.reset();
    const incoming = await t.http().get('/api/users/friend-requests').set('Cookie', b.cookie).expect(200);
    expect(incoming.body.incomingReqs).toHaveLength(1);
  });
});
