import { StreamChat, type UserFilters } from 'stream-chat';
import { startStreamEmulator, type StreamEmulator } from '../src/stream';
import { failure } from './sdk-helpers';

/** A custom field someone else (a moderator, Stream's dashboard) set; the SDK's typings only know Stream's own fields. */
const moderatorNote: Record<string, unknown> = { flagged_by: 'moderator' };

const nowSec = (): number => Math.floor(Date.now() / 1000);

describe('Stream emulator (server-side SDK)', () => {
  let emu: StreamEmulator;
  let server: StreamChat;

  beforeAll(async () => {
    // Long enough that the first poll of a delete task sees it unfinished even on a loaded machine.
    emu = await startStreamEmulator({ taskDelayMs: 1000 });
  });
  afterAll(() => emu.close());
  beforeEach(() => {
    emu.reset();
    server = new StreamChat(emu.apiKey, emu.apiSecret, { baseURL: emu.baseUrl, timeout: 2000 });
  });

  describe('users', () => {
    it('upserts users with replace semantics: what the payload leaves out is gone', async () => {
      await server.upsertUsers([{ id: 'alice', name: 'Alice', image: 'https://img/a.png' }]);
      const first = emu.state.users.get('alice');
      expect(first).toMatchObject({ id: 'alice', name: 'Alice', image: 'https://img/a.png', role: 'user' });
      await server.partialUpdateUsers([{ id: 'alice', set: { role: 'admin', ...moderatorNote } }]);
      await server.revokeUserToken('alice', new Date());

      const res = await server.upsertUsers([{ id: 'alice', name: 'Alice B' }]);
      expect(res.users.alice).toMatchObject({ id: 'alice', name: 'Alice B', role: 'user' });
      const stored = emu.state.users.get('alice');
      expect(stored).toMatchObject({ name: 'Alice B', role: 'user', created_at: first?.created_at });
      expect(stored).not.toHaveProperty('image');
      expect(stored).not.toHaveProperty('flagged_by');
      expect(stored).not.toHaveProperty('revoke_tokens_issued_before');
    });

    it('partially updates only the fields it names, keeping role, custom fields and revocation', async () => {
      await server.upsertUsers([{ id: 'alice', name: 'Alice', role: 'admin', ...moderatorNote }]);
      const before = new Date();
      await server.revokeUserToken('alice', before);

      await server.partialUpdateUsers([
        { id: 'alice', set: { name: 'Alice B', image: 'https://img/b.png' } },
      ]);
      expect(emu.state.users.get('alice')).toMatchObject({
        name: 'Alice B',
        image: 'https://img/b.png',
        role: 'admin',
        flagged_by: 'moderator',
        revoke_tokens_issued_before: before.toISOString(),
      });
    });

    it('logs which users each successful upsert wrote, so pushes can be counted per user', async () => {
      await server.upsertUsers([{ id: 'ann' }, { id: 'ben' }]);
      await failure(server.upsertUsers([{ id: 'bad id!' }]));
      const upserts = emu.state.requests.filter((r) => r.method === 'POST' && r.path === '/users');
      expect(upserts.map((r) => [r.status, r.userIds])).toEqual([
        [200, ['ann', 'ben']],
        [400, undefined],
      ]);
    });

    it('refuses more than 100 users in one call with code 4', async () => {
      const users = Array.from({ length: 101 }, (_, i) => ({ id: `u${i}` }));
      const err = await failure(server.upsertUsers(users));
      expect(err.status).toBe(400);
      expect(err.code).toBe(4);
      expect(err.message).toMatch(/UpdateUsers failed with error: ".*at most 100/);
      expect(emu.state.users.size).toBe(0);
    });

    it('queries by id, $eq and $in, and pages over all users', async () => {
      await server.upsertUsers(Array.from({ length: 7 }, (_, i) => ({ id: `user-${i}`, name: `U${i}` })));
      expect((await server.queryUsers({ id: 'user-3' })).users.map((u) => u.id)).toEqual(['user-3']);
      expect((await server.queryUsers({ id: { $eq: 'user-4' } })).users.map((u) => u.id)).toEqual(['user-4']);
      const some = await server.queryUsers({ id: { $in: ['user-1', 'user-5', 'nobody'] } });
      expect(some.users.map((u) => u.id).sort()).toEqual(['user-1', 'user-5']);

      const seen: string[] = [];
      for (let offset = 0; ; offset += 3) {
        const page = await server.queryUsers({}, { created_at: 1 }, { limit: 3, offset });
        seen.push(...page.users.map((u) => u.id));
        if (page.users.length < 3) break;
      }
      expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `user-${i}`));
    });

    it('pages by id with $gt (keyset paging)', async () => {
      await server.upsertUsers(['d', 'a', 'c', 'b', 'e'].map((id) => ({ id })));
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const filter = after === undefined ? {} : { id: { $gt: after } };
        const { users } = await server.queryUsers(filter, { id: 1 }, { limit: 2 });
        seen.push(...users.map((u) => u.id));
        if (users.length < 2) break;
        after = users[users.length - 1].id;
      }
      expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
      const range = await server.queryUsers(
        // The SDK's typings omit range operators on id; Stream accepts them.
        { id: { $gte: 'b', $lt: 'd' } } as unknown as UserFilters,
        { id: -1 },
      );
      expect(range.users.map((u) => u.id)).toEqual(['c', 'b']);
    });

    it('fails loudly on a filter it does not implement', async () => {
      const err = await failure(server.queryUsers({ name: { $autocomplete: 'al' } }));
      expect(err.status).toBe(400);
      expect(err.code).toBe(4);
      expect(err.response?.data).toMatchObject({ StatusCode: 400, code: 4 });
      expect(err.response?.data.message).toMatch(
        /^QueryUsers failed with error: ".*not supported by the Stream emulator/,
      );
    });

    it('partially updates users (set and unset) and stores token revocation', async () => {
      await server.upsertUsers([{ id: 'bob', name: 'Bob', image: 'x' }]);
      await server.partialUpdateUsers([{ id: 'bob', set: { name: 'Robert' }, unset: ['image'] }]);
      expect(emu.state.users.get('bob')).toMatchObject({ name: 'Robert' });
      expect(emu.state.users.get('bob')).not.toHaveProperty('image');

      const before = new Date();
      await server.revokeUserToken('bob', before);
      expect(emu.state.users.get('bob')?.revoke_tokens_issued_before).toBe(before.toISOString());

      const err = await failure(server.partialUpdateUsers([{ id: 'ghost', set: { name: 'x' } }]));
      expect(err.code).toBe(4);
    });

    it('deletes users through a task that completes, and never reuses a hard-deleted id', async () => {
      await server.upsertUsers([{ id: 'carol' }, { id: 'dave' }]);
      const { task_id } = await server.deleteUsers(['carol', 'dave'], {
        user: 'hard',
        messages: 'hard',
        conversations: 'hard',
      });
      expect(task_id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await server.queryUsers({ id: { $in: ['carol', 'dave'] } })).users).toEqual([]);
      expect(emu.state.deletedUserIds).toEqual(new Set(['carol', 'dave']));

      const statuses: string[] = [];
      for (;;) {
        const task = await server.getTask(task_id);
        statuses.push(task.status);
        if (task.status === 'completed') {
          expect(task.result).toEqual({ carol: { status: 'ok' }, dave: { status: 'ok' } });
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(statuses[0]).not.toBe('completed');

      const err = await failure(server.upsertUsers([{ id: 'carol' }]));
      expect(err.status).toBe(400);
      expect(err.code).toBe(4);
      expect(emu.state.users.has('carol')).toBe(false);
    });

    it('hides soft-deleted users at once and rejects a hard delete without hard messages', async () => {
      await server.upsertUsers([{ id: 'erin' }]);
      const bad = await failure(server.deleteUsers(['erin'], { user: 'hard' }));
      expect(bad.code).toBe(4);
      await server.deleteUsers(['erin'], { user: 'soft' });
      expect((await server.queryUsers({ id: 'erin' })).users).toEqual([]);
      const tooMany = await failure(
        server.deleteUsers(
          Array.from({ length: 101 }, (_, i) => `x${i}`),
          { user: 'soft' },
        ),
      );
      expect(tooMany.code).toBe(4);
    });
  });

  describe('auth', () => {
    it('answers GET /app for a correctly signed server request', async () => {
      const res = await server.getAppSettings();
      expect(res.app).toBeDefined();
    });

    it('rejects a token signed with another secret with 401', async () => {
      const wrong = new StreamChat(emu.apiKey, 'not-the-secret', { baseURL: emu.baseUrl });
      const err = await failure(wrong.getAppSettings());
      expect(err.status).toBe(401);
      expect([43, 5]).toContain(err.code);
      expect(err.response?.data).toEqual({
        code: err.code,
        message: expect.stringMatching(/^GetApp failed with error: "JWTAuth error: signature is not valid/),
        StatusCode: 401,
        duration: expect.stringMatching(/ms$/),
        more_info: expect.any(String),
        details: [],
      });
    });

    it('rejects a wrong API key with 401 code 2', async () => {
      const wrong = new StreamChat('wrong-key', emu.apiSecret, { baseURL: emu.baseUrl });
      const err = await failure(wrong.getAppSettings());
      expect(err.status).toBe(401);
      expect(err.code).toBe(2);
    });

    it('rejects raw requests without a token', async () => {
      const res = await fetch(`${emu.baseUrl}/app?api_key=${emu.apiKey}`);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ StatusCode: 401 });
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    });

    it('answers CORS preflights for browser clients', async () => {
      const res = await fetch(`${emu.baseUrl}/channels`, { method: 'OPTIONS' });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-headers')).toMatch(/stream-auth-type/);
    });

    it('answers an unimplemented endpoint with a Stream-shaped 501', async () => {
      const err = await failure(server.muteUser('alice', 'bob'));
      expect(err.status).toBe(501);
      expect(err.response?.data.message).toMatch(/not implemented by the Stream emulator/);
    });
  });

  describe('channels', () => {
    beforeEach(async () => {
      await server.upsertUsers([{ id: 'alice' }, { id: 'bob' }]);
    });

    it('creates a channel with both members', async () => {
      const channel = server.channel('messaging', 'alice-bob', {
        members: ['alice', 'bob'],
        created_by_id: 'alice',
      });
      const res = await channel.create();
      expect(res.channel).toMatchObject({ id: 'alice-bob', cid: 'messaging:alice-bob', member_count: 2 });
      expect(res.members.map((m) => m.user_id)).toEqual(['alice', 'bob']);
      expect(emu.state.channels.get('messaging:alice-bob')).toMatchObject({
        created_by_id: 'alice',
        members: ['alice', 'bob'],
      });
      expect(emu.state.requests.at(-1)).toMatchObject({
        path: '/channels/messaging/alice-bob/query',
        outcome: 'channel.created',
      });
    });

    it('finds a channel server-side by cid', async () => {
      const query = () =>
        server.queryChannels(
          { cid: 'messaging:found' },
          {},
          { limit: 1, state: false, watch: false, presence: false, user_id: 'alice' },
        );
      expect(await query()).toEqual([]);
      await server
        .channel('messaging', 'found', { members: ['alice', 'bob'], created_by_id: 'alice' })
        .create();
      const channels = await query();
      expect(channels.map((c) => c.cid)).toEqual(['messaging:found']);
      expect(Object.keys(channels[0].state.members).sort()).toEqual(['alice', 'bob']);
    });

    it("rejects a member that doesn't exist with code 4", async () => {
      const channel = server.channel('messaging', 'c1', {
        members: ['alice', 'zed'],
        created_by_id: 'alice',
      });
      const err = await failure(channel.create());
      expect(err.status).toBe(400);
      expect(err.code).toBe(4);
      expect(err.message).toContain("don't exist: [zed]");
      expect(emu.state.channels.size).toBe(0);
    });

    it('rejects a server-side create without created_by with code 4', async () => {
      const channel = server.channel('messaging', 'c2', { members: ['alice', 'bob'] });
      const err = await failure(channel.create());
      expect(err.code).toBe(4);
      expect(err.message).toContain('created_by');
    });

    it('returns the same channel when it is created again', async () => {
      const first = await server
        .channel('messaging', 'c3', { members: ['alice', 'bob'], created_by_id: 'alice' })
        .create();
      const again = await server
        .channel('messaging', 'c3', { members: ['alice'], created_by_id: 'bob' })
        .create();
      expect(again.channel.created_at).toBe(first.channel.created_at);
      expect(again.members.map((m) => m.user_id)).toEqual(['alice', 'bob']);
      expect(emu.state.channels.size).toBe(1);
      expect(emu.state.requests.at(-1)?.outcome).toBe('channel.existing');
    });
  });

  describe('fault injection', () => {
    it('fails the next N requests with the given status', async () => {
      emu.faults.failNext(2, 503);
      expect((await failure(server.getAppSettings())).status).toBe(503);
      const second = await failure(server.getAppSettings());
      expect(second.response?.data).toMatchObject({ StatusCode: 503 });
      await expect(server.getAppSettings()).resolves.toBeDefined();
    });

    it('adds latency to every response', async () => {
      emu.faults.setLatency(150);
      const started = Date.now();
      await server.getAppSettings();
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      const slow = new StreamChat(emu.apiKey, emu.apiSecret, { baseURL: emu.baseUrl, timeout: 50 });
      const err = await failure(slow.getAppSettings());
      expect(err.response).toBeUndefined();
      expect(err.message).toMatch(/timeout/i);
    });

    it('refuses connections until turned off', async () => {
      emu.faults.refuseConnections(true);
      const err = await failure(server.getAppSettings());
      expect(err.response).toBeUndefined();
      expect(err.message).toMatch(/socket hang up|ECONNRESET/);
      emu.faults.refuseConnections(false);
      await expect(server.getAppSettings()).resolves.toBeDefined();
    });

    it('exposes the same switches over HTTP', async () => {
      const post = (path: string, body: unknown): Promise<Response> =>
        fetch(`${emu.baseUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
      await post('/_emulator/faults', { failNext: 1, status: 500 });
      expect((await failure(server.getAppSettings())).status).toBe(500);
      await post('/_emulator/faults', { refuse: true });
      expect((await failure(server.getAppSettings())).response).toBeUndefined();
      const state = (await (await fetch(`${emu.baseUrl}/_emulator/state`)).json()) as {
        faults: { refuse: boolean };
      };
      expect(state.faults.refuse).toBe(true);
      await post('/_emulator/reset', {});
      await expect(server.getAppSettings()).resolves.toBeDefined();
    });

    it('rate-limits user updates when asked, with X-RateLimit-Reset', async () => {
      const limited = await startStreamEmulator({ rateLimitPerMinute: 2 });
      try {
        const client = new StreamChat(limited.apiKey, limited.apiSecret, { baseURL: limited.baseUrl });
        await client.upsertUsers([{ id: 'a' }]);
        await client.upsertUsers([{ id: 'b' }]);
        const err = await failure(client.upsertUsers([{ id: 'c' }]));
        expect(err.status).toBe(429);
        expect(err.code).toBe(9);
        expect(Number(err.response?.headers['x-ratelimit-reset'])).toBeGreaterThan(nowSec());
        await expect(client.queryUsers({ id: 'a' })).resolves.toBeDefined();
      } finally {
        await limited.close();
      }
    });
  });
});
