import { StreamChat, type Event } from 'stream-chat';
import type { StreamEmulator } from '../src/stream';
import { failure, nextEvent, useSdkFixture } from './sdk-helpers';
import { startReceiver } from './webhook-receiver';

// How an app declares its custom event types to the SDK, so `client.on('friend_request_received', …)` type-checks.
declare module 'stream-chat' {
  interface CustomEventTypes {
    friend_request_received: true;
    marker: true;
  }
}

describe('Stream emulator: custom events to a user (sendUserCustomEvent)', () => {
  let emu: StreamEmulator;
  let server: StreamChat;
  let connect: (userId: string) => Promise<StreamChat>;
  useSdkFixture({ users: [{ id: 'alice' }, { id: 'bob' }, { id: 'carol' }] }, (f) => {
    ({ emu, server, connect } = f);
  });

  /** Every event but health checks, in arrival order. */
  const record = (client: StreamChat): Event[] => {
    const seen: Event[] = [];
    client.on((event) => {
      if (event.type !== 'health.check') seen.push(event);
    });
    return seen;
  };

  /**
   * The types a user's client got up to a marker event the server sends it last: one socket delivers in order, so
   * anything sent to it before the marker has arrived by then.
   */
  const typesUntilMarker = async (client: StreamChat, seen: Event[]): Promise<string[]> => {
    const marker = nextEvent(client, 'marker');
    await server.sendUserCustomEvent(client.userID as string, { type: 'marker' });
    await marker;
    return seen.map((e) => e.type);
  };

  const friendRequest = { type: 'friend_request_received', from_user_id: 'alice', request_id: 'r1' };

  it("reaches every connection of the target user within 1 s, as the SDK's client event, and no one else", async () => {
    const [bobTab, bobPhone, carol] = [await connect('bob'), await connect('bob'), await connect('carol')];
    const carolSeen = record(carol);
    const arrivals = [
      nextEvent(bobTab, 'friend_request_received'),
      nextEvent(bobPhone, 'friend_request_received'),
    ];

    await expect(server.sendUserCustomEvent('bob', friendRequest)).resolves.toEqual({
      duration: expect.any(String),
    });

    for (const event of await Promise.all(arrivals)) {
      expect(event).toEqual({
        ...friendRequest,
        created_at: expect.any(String),
        received_at: expect.any(Date),
      });
      expect(Date.parse(event.created_at as string)).not.toBeNaN();
    }
    expect(emu.state.requests.at(-1)).toMatchObject({
      path: '/users/bob/event',
      status: 200,
      outcome: 'delivered:2',
    });
    expect(await typesUntilMarker(carol, carolSeen)).toEqual(['marker']);
  });

  it('is not stored: a user who connects later never gets an event sent while offline', async () => {
    await server.sendUserCustomEvent('bob', friendRequest);
    expect(emu.state.requests.at(-1)?.outcome).toBe('delivered:0');

    const bob = await connect('bob');
    expect(await typesUntilMarker(bob, record(bob))).toEqual(['marker']);
  });

  it("refuses a type with a dot with Stream's 400 error body, delivering nothing", async () => {
    const bob = await connect('bob');
    const seen = record(bob);
    const err = await failure(server.sendUserCustomEvent('bob', { type: 'friend.request' }));
    expect(err).toMatchObject({ status: 400, code: 4 });
    expect(err.response?.data).toEqual({
      code: 4,
      message: expect.stringMatching(/^SendUserCustomEvent failed with error: ".*cannot contain "\.".*"$/),
      StatusCode: 400,
      duration: expect.stringMatching(/ms$/),
      more_info: 'https://getstream.io/chat/docs/api_errors_response',
      details: [],
    });
    expect(await typesUntilMarker(bob, seen)).toEqual(['marker']);
  });

  it('answers 404 (code 16) for an unknown or deleted user and 400 for a missing type', async () => {
    expect(await failure(server.sendUserCustomEvent('nobody', friendRequest))).toMatchObject({
      status: 404,
      code: 16,
    });
    await server.deleteUsers(['carol'], { user: 'soft' });
    expect(await failure(server.sendUserCustomEvent('carol', friendRequest))).toMatchObject({ status: 404 });
    const missing = await failure(server.sendUserCustomEvent('bob', { type: '' }));
    expect(missing).toMatchObject({ status: 400, code: 4 });
    expect(missing.message).toMatch(/event\.type is a required field/);
  });

  it('is server-side only: a connected user cannot send one', async () => {
    const alice = await connect('alice');
    const err = await failure(alice.sendUserCustomEvent('bob', friendRequest));
    expect(err).toMatchObject({ status: 403, code: 17 });
    expect(err.message).toMatch(
      /User 'alice' with role 'user' is not allowed to perform action SendUserCustomEvent/,
    );
  });

  it('copies the event to the webhook, signed like every other event', async () => {
    const receiver = await startReceiver();
    try {
      emu.webhooks.configure({ url: receiver.url });
      await server.sendUserCustomEvent('bob', friendRequest);
      await emu.webhooks.settle();
      const [hook] = receiver.received;
      expect(server.verifyAndParseWebhook(hook.body, hook.headers['x-signature'] as string)).toEqual({
        ...friendRequest,
        created_at: expect.any(String),
      });
    } finally {
      await receiver.close();
    }
  });

  it('obeys the fault toggles: an injected failure delivers nothing, the retry does; latency delays it', async () => {
    const bob = await connect('bob');
    const seen = record(bob);
    emu.faults.failNext(1, 503);
    expect(await failure(server.sendUserCustomEvent('bob', friendRequest))).toMatchObject({ status: 503 });
    expect(await typesUntilMarker(bob, seen)).toEqual(['marker']);

    emu.faults.setLatency(150);
    const started = Date.now();
    const arrival = nextEvent(bob, 'friend_request_received');
    await server.sendUserCustomEvent('bob', friendRequest);
    await arrival;
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });
});
