import { StreamChat, type UserResponse } from 'stream-chat';
import type { StreamEmulator } from '../src/stream';
import { failure, useSdkFixture } from './sdk-helpers';
import { startReceiver } from './webhook-receiver';

/** stream-chat's UserResponse does not declare `ban_expires`, which Stream sends for a timed ban. */
type User = UserResponse & { ban_expires?: string };

const SUSPENDED =
  'SendMessage failed with error: "Sorry, you do not have access to this feature. Your account is currently suspended from chat."';

describe('Stream emulator: bans and roles', () => {
  let emu: StreamEmulator;
  let server: StreamChat;
  let connect: (userId: string) => Promise<StreamChat>;
  useSdkFixture(
    {
      users: [{ id: 'admin', role: 'admin' }, { id: 'mallory' }, { id: 'alice' }],
      channels: [{ id: 'alice-mallory', members: ['alice', 'mallory'] }],
    },
    (f) => {
      ({ emu, server, connect } = f);
    },
  );
  const user = async (id: string): Promise<User> => (await server.queryUsers({ id })).users[0];

  describe('bans', () => {
    it('bans, lists and unbans a user globally', async () => {
      await expect(server.banUser('mallory', { banned_by_id: 'admin', reason: 'spam' })).resolves.toEqual({
        duration: expect.any(String),
      });
      const banned = await user('mallory');
      expect(banned.banned).toBe(true);
      expect(banned).not.toHaveProperty('ban_expires');

      const { bans } = await server.queryBannedUsers({ user_id: 'mallory' });
      expect(bans).toEqual([
        {
          user: expect.objectContaining({ id: 'mallory', banned: true }),
          banned_by: expect.objectContaining({ id: 'admin', role: 'admin' }),
          reason: 'spam',
          created_at: expect.any(String),
          shadow: false,
        },
      ]);

      await server.unbanUser('mallory');
      expect((await user('mallory')).banned).toBe(false);
      expect((await server.queryBannedUsers({ user_id: 'mallory' })).bans).toEqual([]);
      expect(emu.state.bans.size).toBe(0);
    });

    it('lets a banned user connect and read, but refuses their messages with code 17 until the unban', async () => {
      await server.banUser('mallory', { banned_by_id: 'admin' });
      const mallory = await connect('mallory');
      expect(mallory.user).toMatchObject({ id: 'mallory', banned: true });
      const channel = mallory.channel('messaging', 'alice-mallory');
      await channel.watch();

      const err = await failure(channel.sendMessage({ text: 'still here' }));
      expect(err).toMatchObject({ status: 403, code: 17 });
      expect(err.response?.data.message).toBe(SUSPENDED);
      expect(emu.state.channels.get('messaging:alice-mallory')?.messages).toEqual([]);

      await server.unbanUser('mallory');
      await expect(channel.sendMessage({ text: 'back' })).resolves.toBeDefined();
    });

    it('shows ban_expires for a timed ban, which expires by itself on the emulator clock', async () => {
      const before = Date.now();
      await server.banUser('mallory', { banned_by_id: 'admin', timeout: 60 });
      const banned = await user('mallory');
      expect(banned.banned).toBe(true);
      const expires = Date.parse(banned.ban_expires ?? '');
      expect(expires).toBeGreaterThanOrEqual(before + 60 * 60_000);
      expect(expires).toBeLessThan(Date.now() + 60 * 60_000 + 1000);
      const channel = (await connect('mallory')).channel('messaging', 'alice-mallory');
      expect(await failure(channel.sendMessage({ text: 'early' }))).toMatchObject({ code: 17 });

      emu.clock.advance(59 * 60_000);
      expect((await user('mallory')).banned).toBe(true);
      const res = await fetch(`${emu.baseUrl}/_emulator/clock`, {
        method: 'POST',
        body: JSON.stringify({ advanceMs: 60_000 }),
      });
      expect(await res.json()).toMatchObject({ offsetMs: 60 * 60_000 });

      const free = await user('mallory');
      expect(free.banned).toBe(false);
      expect(free).not.toHaveProperty('ban_expires');
      await expect(channel.sendMessage({ text: 'on time' })).resolves.toBeDefined();
      // An expired ban stays listed unless asked otherwise.
      expect((await server.queryBannedUsers({ user_id: 'mallory' })).bans).toEqual([
        expect.objectContaining({ expires: new Date(expires).toISOString() }),
      ]);
      const current = await server.queryBannedUsers({ user_id: 'mallory' }, [], {
        exclude_expired_bans: true,
      });
      expect(current.bans).toEqual([]);
    });

    it('filters, sorts and pages the banned users', async () => {
      await server.upsertUsers([{ id: 'mod', role: 'moderator' }, { id: 'eve' }]);
      await server.banUser('mallory', { banned_by_id: 'admin' });
      emu.clock.advance(1000);
      await server.banUser('eve', { banned_by_id: 'mod' });
      const ids = async (...args: Parameters<StreamChat['queryBannedUsers']>): Promise<string[]> =>
        (await server.queryBannedUsers(...args)).bans?.map((b) => b.user.id) ?? [];

      expect(await ids({ banned_by_id: 'mod' })).toEqual(['eve']);
      expect(await ids({ user_id: { $in: ['eve', 'mallory'] } }, [{ created_at: -1 }])).toEqual([
        'eve',
        'mallory',
      ]);
      expect(await ids({}, [{ created_at: 1 }], { limit: 1, offset: 1 })).toEqual(['eve']);
      expect(await ids({ channel_cid: 'messaging:alice-mallory' })).toEqual([]);
      const err = await failure(server.queryBannedUsers({ reason: 'spam' }));
      expect(err).toMatchObject({ status: 400, code: 4 });
    });

    it("refuses what Stream refuses, and what the emulator does not model, with Stream's error shape", async () => {
      const noBanner = await failure(server.banUser('mallory'));
      expect(noBanner).toMatchObject({ status: 400, code: 4 });
      expect(noBanner.response?.data.message).toBe(
        'Ban failed with error: "either user or user_id must be provided when using server side auth."',
      );
      expect(await failure(server.banUser('nobody', { banned_by_id: 'admin' }))).toMatchObject({
        status: 404,
        code: 16,
      });
      expect(await failure(server.banUser('mallory', { banned_by_id: 'admin', timeout: 0 }))).toMatchObject({
        code: 4,
      });
      const channelBan = await failure(
        server.channel('messaging', 'alice-mallory').banUser('mallory', { banned_by_id: 'admin' }),
      );
      expect(channelBan.message).toMatch(/channel bans .* not supported by the Stream emulator/);
      const shadow = await failure(server.shadowBan('mallory', { banned_by_id: 'admin' }));
      expect(shadow.message).toMatch(/shadow is not supported by the Stream emulator/);
      expect(emu.state.bans.size).toBe(0);
    });

    it('lets a connected admin or moderator ban and unban, not a plain user', async () => {
      await server.upsertUsers([{ id: 'mod', role: 'moderator' }]);
      const alice = await connect('alice');
      const err = await failure(alice.banUser('mallory'));
      expect(err).toMatchObject({ status: 403, code: 17 });
      expect(err.message).toMatch(/User 'alice' with role 'user' is not allowed to perform action BanUser/);

      const mod = await connect('mod');
      await mod.banUser('mallory', { reason: 'flood' });
      expect(emu.state.bans.get('mallory')).toMatchObject({ banned_by_id: 'mod', reason: 'flood' });
      await mod.unbanUser('mallory');
      expect(emu.state.bans.size).toBe(0);
      // Server-only endpoints name the caller's real role.
      expect((await failure(mod.deleteUsers(['alice']))).message).toMatch(/with role 'moderator'/);
    });

    it('sends user.banned and user.unbanned webhooks', async () => {
      const receiver = await startReceiver();
      try {
        emu.webhooks.configure({ url: receiver.url });
        await server.banUser('mallory', { banned_by_id: 'admin', reason: 'spam', timeout: 10 });
        await server.unbanUser('mallory');
        await emu.webhooks.settle();
        const events = receiver.received.map((r) =>
          server.verifyAndParseWebhook(r.body, r.headers['x-signature'] as string),
        );
        expect(events).toEqual([
          {
            type: 'user.banned',
            user: expect.objectContaining({ id: 'mallory', banned: true }),
            created_by: expect.objectContaining({ id: 'admin' }),
            reason: 'spam',
            expiration: expect.any(String),
            shadow: false,
            total_bans: 1,
            created_at: expect.any(String),
          },
          {
            type: 'user.unbanned',
            user: expect.objectContaining({ id: 'mallory', banned: false }),
            shadow: false,
            created_at: expect.any(String),
          },
        ]);
      } finally {
        await receiver.close();
      }
    });

    it('obeys the fault toggles: a ban during an outage or a 503 applies nothing, the retry applies it', async () => {
      emu.faults.refuseConnections(true);
      const down = await failure(server.banUser('mallory', { banned_by_id: 'admin' }));
      expect(down.status).toBeUndefined();
      emu.faults.refuseConnections(false);
      emu.faults.failNext(1, 503);
      expect(await failure(server.banUser('mallory', { banned_by_id: 'admin' }))).toMatchObject({
        status: 503,
      });
      expect(emu.state.bans.size).toBe(0);

      await server.banUser('mallory', { banned_by_id: 'admin' });
      expect((await user('mallory')).banned).toBe(true);
      emu.faults.failNext(1, 503);
      expect(await failure(server.unbanUser('mallory'))).toMatchObject({ status: 503 });
      expect((await user('mallory')).banned).toBe(true);
    });
  });

  describe('roles', () => {
    it('keeps the role as Stream does: an upsert replaces it, a partial update sets or unsets it', async () => {
      await server.upsertUsers([{ id: 'mod', name: 'Mod', role: 'moderator' }]);
      expect((await user('mod')).role).toBe('moderator');
      await server.partialUpdateUser({ id: 'mod', set: { role: 'admin' } });
      await server.partialUpdateUser({ id: 'mod', set: { name: 'Moderator' } });
      expect(await user('mod')).toMatchObject({ role: 'admin', name: 'Moderator' });
      await server.partialUpdateUser({ id: 'mod', unset: ['role'] });
      expect((await user('mod')).role).toBe('user');
      await server.upsertUsers([{ id: 'admin', name: 'Admin again' }]);
      expect((await user('admin')).role).toBe('user');
    });

    it('accepts the built-in global roles and refuses any other, changing nothing', async () => {
      for (const role of [
        'user',
        'admin',
        'moderator',
        'guest',
        'anonymous',
        'global_admin',
        'global_moderator',
      ]) {
        await server.upsertUsers([{ id: 'alice', role }]);
        expect((await user('alice')).role).toBe(role);
      }
      const upsert = await failure(server.upsertUsers([{ id: 'mallory', role: 'superhero' }]));
      expect(upsert).toMatchObject({ status: 400, code: 4 });
      expect(upsert.response?.data.message).toMatch(
        /^UpdateUsers failed with error: "role "superhero" does not exist/,
      );
      const partial = await failure(
        server.partialUpdateUser({ id: 'mallory', set: { role: 'channel_member' } }),
      );
      expect(partial).toMatchObject({ status: 400, code: 4 });
      expect(partial.response?.data.message).toMatch(
        /^UpdateUsersPartial failed with error: "role "channel_member"/,
      );
      expect((await user('mallory')).role).toBe('user');
    });
  });
});
