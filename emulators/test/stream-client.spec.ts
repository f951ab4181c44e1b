import * as jwt from 'jsonwebtoken';
import { StreamChat, type Event } from 'stream-chat';
import WebSocket from 'ws';
import { startStreamEmulator, type StreamEmulator } from '../src/stream';
import { clientSdk, failure, useSdkFixture } from './sdk-helpers';

interface WsFailure {
  code: number;
  StatusCode: number;
  message: string;
  isWSFailure: boolean;
}

/** connectUser rejects with an Error whose message is the JSON of Stream's WebSocket error. */
async function connectFailure(promise: Promise<unknown>): Promise<WsFailure> {
  try {
    await promise;
  } catch (e) {
    return JSON.parse((e as Error).message) as WsFailure;
  }
  throw new Error('expected connectUser to fail');
}

const nowSec = (): number => Math.floor(Date.now() / 1000);

describe('Stream emulator (client-side SDK over WebSocket)', () => {
  let emu: StreamEmulator;
  let server: StreamChat;
  let track: (client: StreamChat) => StreamChat;
  useSdkFixture(
    {
      users: [
        { id: 'alice', name: 'Alice' },
        { id: 'bob', name: 'Bob' },
        { id: 'mallory', name: 'Mallory' },
      ],
      channels: [{ id: 'alice-bob', members: ['alice', 'bob'] }],
    },
    (f) => {
      ({ emu, server, track } = f);
    },
  );

  const client = (): StreamChat => track(clientSdk(emu));
  const token = (userId: string, claims: Record<string, unknown> = {}, secret = emu.apiSecret): string =>
    jwt.sign({ user_id: userId, ...claims }, secret, { algorithm: 'HS256', noTimestamp: !('iat' in claims) });

  describe('connectUser', () => {
    it('connects with a valid token and receives connection_id and me', async () => {
      const alice = client();
      const res = await alice.connectUser({ id: 'alice' }, token('alice', { iat: nowSec() }));
      expect(res?.connection_id).toEqual(expect.any(String));
      expect(res?.me).toMatchObject({ id: 'alice', name: 'Alice', online: true });
      expect(alice.user?.id).toBe('alice');
      expect(emu.state.requests.at(-1)).toMatchObject({ path: '/connect', status: 101 });
    });

    it('creates a user that connects for the first time', async () => {
      await client().connectUser({ id: 'newbie', name: 'New' }, token('newbie'));
      expect(emu.state.users.get('newbie')).toMatchObject({ id: 'newbie', name: 'New' });
    });

    it('rejects a token issued before the revocation with code 40', async () => {
      const old = token('alice', { iat: nowSec() - 60 });
      await server.revokeUserToken('alice', new Date(Date.now() - 30_000));
      const err = await connectFailure(client().connectUser({ id: 'alice' }, old));
      expect(err).toMatchObject({ code: 40, StatusCode: 401, isWSFailure: false });
      expect(err.message).toMatch(/This token has been revoked/);

      const noIat = await connectFailure(client().connectUser({ id: 'alice' }, token('alice')));
      expect(noIat.code).toBe(40);

      await expect(
        client().connectUser({ id: 'alice' }, token('alice', { iat: nowSec() })),
      ).resolves.toBeDefined();
    });

    it('re-admits revoked tokens after an upsert (a replace), not after a partial update', async () => {
      const old = token('alice', { iat: nowSec() - 60 });
      await server.revokeUserToken('alice', new Date(Date.now() - 30_000));

      await server.partialUpdateUsers([{ id: 'alice', set: { name: 'Alice P' } }]);
      expect((await connectFailure(client().connectUser({ id: 'alice' }, old))).code).toBe(40);

      await server.upsertUsers([{ id: 'alice', name: 'Alice U' }]);
      await expect(client().connectUser({ id: 'alice' }, old)).resolves.toBeDefined();
    });

    it('treats a token minted in the same second as the revocation as revoked', async () => {
      const iat = nowSec();
      await server.revokeUserToken('alice', new Date(iat * 1000 + 1));
      const err = await connectFailure(client().connectUser({ id: 'alice' }, token('alice', { iat })));
      expect(err.code).toBe(40);
    });

    it('rejects an expired token with code 40', async () => {
      const err = await connectFailure(
        client().connectUser({ id: 'alice' }, token('alice', { exp: nowSec() - 10 })),
      );
      expect(err).toMatchObject({ code: 40, StatusCode: 401 });
      expect(err.message).toMatch(/expired/);
    });

    it('rejects a token issued in the future as clock skew (code 42)', async () => {
      const err = await connectFailure(
        client().connectUser({ id: 'alice' }, token('alice', { iat: nowSec() + 120 })),
      );
      expect(err.code).toBe(42);
    });

    it('rejects a bad signature and a wrong api key', async () => {
      const badSig = await connectFailure(client().connectUser({ id: 'alice' }, token('alice', {}, 'wrong')));
      expect(badSig).toMatchObject({ code: 43, StatusCode: 401 });
      const wrongKey = new StreamChat('nope', { baseURL: emu.baseUrl, allowServerSideConnect: true });
      wrongKey.defaultWSTimeout = 1000;
      track(wrongKey);
      expect((await connectFailure(wrongKey.connectUser({ id: 'alice' }, token('alice')))).code).toBe(2);
    });

    it('refuses a hard-deleted user', async () => {
      await server.deleteUsers(['mallory'], { user: 'hard', messages: 'hard', conversations: 'hard' });
      const err = await connectFailure(client().connectUser({ id: 'mallory' }, token('mallory')));
      expect(err.code).toBe(4);
    });
  });

  describe('raw WebSocket', () => {
    const open = (url: string): Promise<{ ws: WebSocket; first: Record<string, unknown> }> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(url);
        ws.once('message', (data: Buffer) => resolve({ ws, first: JSON.parse(data.toString()) }));
        ws.once('error', reject);
      });
    const connectUrl = (base: string, authorization = token('alice')): string => {
      const params = new URLSearchParams({
        json: JSON.stringify({ user_id: 'alice', user_details: { id: 'alice' } }),
        api_key: emu.apiKey,
        authorization,
        'stream-auth-type': 'jwt',
      });
      return `${base}/connect?${params.toString()}`;
    };

    it('answers health-check pings', async () => {
      const { ws, first } = await open(connectUrl(emu.wsBaseUrl));
      expect(first).toMatchObject({ type: 'health.check', connection_id: expect.any(String) });
      const pong = new Promise<Record<string, unknown>>((resolve) =>
        ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()))),
      );
      ws.send(JSON.stringify([{ type: 'health.check', client_id: 'alice--1' }]));
      expect(await pong).toMatchObject({ type: 'health.check', connection_id: first.connection_id });
      ws.close();
    });

    it('sends auth failures as a first error message, then closes', async () => {
      const { ws, first } = await open(connectUrl(emu.wsBaseUrl, token('bob')));
      expect(first).toEqual({
        error: expect.objectContaining({ code: 5, StatusCode: 401, message: expect.stringMatching(/bob/) }),
      });
      const closed = await new Promise<number>((resolve) => ws.once('close', resolve));
      expect(closed).toBe(1000);
    });

    it('serves the WebSocket on a separate wsPort when one is given', async () => {
      const split = await startStreamEmulator({ apiKey: emu.apiKey, apiSecret: emu.apiSecret, wsPort: 0 });
      try {
        expect(split.wsBaseUrl).not.toBe(split.baseUrl.replace('http', 'ws'));
        await new StreamChat(emu.apiKey, emu.apiSecret, { baseURL: split.baseUrl }).upsertUsers([
          { id: 'alice' },
        ]);
        const { ws, first } = await open(connectUrl(split.wsBaseUrl));
        expect(first).toMatchObject({ type: 'health.check', me: expect.objectContaining({ id: 'alice' }) });
        ws.close();
      } finally {
        await split.close();
      }
    });

    it('drops WebSocket connections while refusing connections', async () => {
      emu.faults.refuseConnections(true);
      await expect(open(connectUrl(emu.wsBaseUrl))).rejects.toThrow();
      emu.faults.refuseConnections(false);
    });
  });

  describe('client-side HTTP', () => {
    it('lets a member watch, send a message and query channels by members', async () => {
      const alice = client();
      await alice.connectUser({ id: 'alice' }, token('alice'));
      const channel = alice.channel('messaging', 'alice-bob');
      const state = await channel.watch();
      expect(state.members.map((m) => m.user_id)).toEqual(['alice', 'bob']);

      const received = new Promise<Event>((resolve) => channel.on('message.new', resolve));
      const sent = await channel.sendMessage({ text: 'hello bob' });
      expect(sent.message).toMatchObject({
        text: 'hello bob',
        user: expect.objectContaining({ id: 'alice' }),
      });
      expect((await received).message?.id).toBe(sent.message.id);
      expect(emu.state.channels.get('messaging:alice-bob')?.messages).toEqual([
        expect.objectContaining({ id: sent.message.id, user_id: 'alice', text: 'hello bob' }),
      ]);

      const channels = await alice.queryChannels({ members: { $in: ['alice'] } });
      expect(channels.map((c) => c.cid)).toEqual(['messaging:alice-bob']);
      expect(channels[0].state.messages.map((m) => m.text)).toEqual(['hello bob']);
    });

    it('delivers a message sent server-side to a watching member', async () => {
      const bob = client();
      await bob.connectUser({ id: 'bob' }, token('bob'));
      const channel = bob.channel('messaging', 'alice-bob');
      await channel.watch();
      const received = new Promise<Event>((resolve) => channel.on('message.new', resolve));
      await server
        .channel('messaging', 'alice-bob')
        .sendMessage({ text: 'from the server', user_id: 'alice' });
      expect((await received).message?.text).toBe('from the server');
    });

    it('keeps non-members out', async () => {
      const mallory = client();
      await mallory.connectUser({ id: 'mallory' }, token('mallory'));
      const watchErr = await failure(mallory.channel('messaging', 'alice-bob').watch());
      expect(watchErr).toMatchObject({ status: 403, code: 17 });
      const sendErr = await failure(mallory.channel('messaging', 'alice-bob').sendMessage({ text: 'hi' }));
      expect(sendErr).toMatchObject({ status: 403, code: 17 });
      expect(await mallory.queryChannels({ members: { $in: ['alice'] } })).toEqual([]);
    });

    it('marks a channel read and relays typing events to the other watching member, as the chat page does', async () => {
      const [alice, bob] = [client(), client()];
      await alice.connectUser({ id: 'alice' }, token('alice'));
      await bob.connectUser({ id: 'bob' }, token('bob'));
      const aliceChannel = alice.channel('messaging', 'alice-bob');
      const bobChannel = bob.channel('messaging', 'alice-bob');
      await Promise.all([aliceChannel.watch(), bobChannel.watch()]);
      await bobChannel.sendMessage({ text: 'hola' });

      const typing = new Promise<Event>((resolve) => bobChannel.on('typing.start', resolve));
      const read = new Promise<Event>((resolve) => bobChannel.on('message.read', resolve));
      await aliceChannel.keystroke();
      const marked = await aliceChannel.markRead();
      expect((await typing).user?.id).toBe('alice');
      expect((await read).user?.id).toBe('alice');
      expect(marked?.event).toMatchObject({ type: 'message.read', cid: 'messaging:alice-bob' });
      expect(emu.state.channels.get('messaging:alice-bob')?.reads.alice).toEqual({
        last_read: expect.any(String),
        last_read_message_id: expect.any(String),
      });
      const [state] = await bob.queryChannels({ id: 'alice-bob' });
      expect(state.state.read.alice.unread_messages).toBe(0);
    });

    it('refuses read and typing events from non-members, and reserved event types', async () => {
      const mallory = client();
      await mallory.connectUser({ id: 'mallory' }, token('mallory'));
      // Stream would not let mallory watch the channel first, so the SDK's own guard is bypassed.
      const url = `${mallory.baseURL}/channels/messaging/alice-bob`;
      for (const [path, body] of [
        ['event', { event: { type: 'typing.start' } }],
        ['read', {}],
      ] as const) {
        expect(await failure(mallory.post(`${url}/${path}`, body))).toMatchObject({ status: 403, code: 17 });
      }
      const alice = client();
      await alice.connectUser({ id: 'alice' }, token('alice'));
      const own = alice.channel('messaging', 'alice-bob');
      await own.watch();
      expect(await failure(own.sendEvent({ type: 'message.new' }))).toMatchObject({ status: 400, code: 4 });
      const read = await server.channel('messaging', 'alice-bob').markRead({ user_id: 'bob' });
      expect(read?.event.user?.id).toBe('bob');
    });

    it('rejects HTTP calls with a revoked user token', async () => {
      const alice = client();
      await alice.connectUser({ id: 'alice' }, token('alice', { iat: nowSec() - 60 }));
      await server.revokeUserToken('alice', new Date(Date.now() - 1000));
      const err = await failure(alice.queryChannels({ members: { $in: ['alice'] } }));
      expect(err).toMatchObject({ status: 401, code: 40 });
    });
  });
});
