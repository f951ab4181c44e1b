import * as jwt from 'jsonwebtoken';
import { StreamChat, type Event, type EventTypes, type UserResponse } from 'stream-chat';
import { startStreamEmulator, type StreamEmulator } from '../src/stream';

/** The SDK's ErrorFromResponse, or a plain Error for failures below HTTP. */
export interface SdkError extends Error {
  code?: number | string | null;
  status?: number;
  response?: { status: number; headers: Record<string, string>; data: Record<string, unknown> };
}

/** The error a stream-chat SDK call rejects with; fails the test when the call succeeds. */
export async function failure(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (e) {
    return e as SdkError;
  }
  throw new Error('expected the call to fail');
}

/** A client-side (browser-like) SDK for the emulator, before connectUser. */
export function clientSdk(emu: StreamEmulator): StreamChat {
  const c = new StreamChat(emu.apiKey, { baseURL: emu.baseUrl, allowServerSideConnect: true, timeout: 2000 });
  // connectUser races the handshake against an uncleared sleep(defaultWSTimeout) (15 s), which would keep jest alive.
  c.defaultWSTimeout = 1000;
  return c;
}

/** A client-side SDK connected as the user, with a user token signed by the emulator's secret. */
export async function connectAs(emu: StreamEmulator, userId: string): Promise<StreamChat> {
  const client = clientSdk(emu);
  await client.connectUser(
    { id: userId },
    jwt.sign({ user_id: userId }, emu.apiSecret, { algorithm: 'HS256' }),
  );
  return client;
}

/** Resolves with the next event of this type the client receives, or rejects after `ms`. */
export function nextEvent(client: StreamChat, type: EventTypes, ms = 1000): Promise<Event> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.unsubscribe();
      reject(new Error(`no ${type} event within ${ms} ms`));
    }, ms);
    const sub = client.on(type, (event) => {
      clearTimeout(timer);
      sub.unsubscribe();
      resolve(event);
    });
  });
}

/** What each test of an SDK spec starts from: these users, and channels among them. */
export interface SdkSeed {
  users: UserResponse[];
  channels?: { id: string; members: string[] }[];
}

export interface SdkFixture {
  emu: StreamEmulator;
  /** A server-side SDK (the app's). */
  server: StreamChat;
  /** Tracks a client so that it is disconnected after the test. */
  track(client: StreamChat): StreamChat;
  /** A client-side SDK connected as the user, disconnected after the test. */
  connect(userId: string): Promise<StreamChat>;
}

/**
 * One emulator per spec, reset before each test to `seed` (users, then `messaging` channels created by their
 * first member); every client a test tracks or connects is disconnected after it. `bind` hands the fixture to
 * the spec's own variables before each test.
 */
export function useSdkFixture(seed: SdkSeed, bind: (fixture: SdkFixture) => void): void {
  let emu: StreamEmulator;
  const clients: StreamChat[] = [];
  const track = (client: StreamChat) => {
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    emu = await startStreamEmulator();
  });
  afterAll(() => emu.close());
  beforeEach(async () => {
    emu.reset();
    const server = new StreamChat(emu.apiKey, emu.apiSecret, { baseURL: emu.baseUrl });
    await server.upsertUsers(seed.users);
    for (const { id, members } of seed.channels ?? []) {
      await server.channel('messaging', id, { members, created_by_id: members[0] }).create();
    }
    bind({ emu, server, track, connect: async (userId) => track(await connectAs(emu, userId)) });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.disconnectUser(50)));
  });
}
