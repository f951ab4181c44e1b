import { StreamChat, type Event } from 'stream-chat';
import type { StreamEmulator } from '../src/stream';
import { failure, useSdkFixture } from './sdk-helpers';

describe("Stream emulator: Stream's user-block API", () => {
  let emu: StreamEmulator;
  let server: StreamChat;
  let connect: (userId: string) => Promise<StreamChat>;
  useSdkFixture(
    {
      users: [{ id: 'alice' }, { id: 'bob' }, { id: 'carol' }],
      channels: [{ id: 'alice-bob', members: ['alice', 'bob'] }],
    },
    (f) => {
      ({ emu, server, connect } = f);
    },
  );

  /** Records every message.new a client receives; `until` resolves once the client's own `marker` arrives. */
  const recordMessages = (client: StreamChat) => {
    const seen: Event[] = [];
    const waiters = new Map<string, () => void>();
    client.on('message.new', (event) => {
      seen.push(event);
      waiters.get(event.message?.text ?? '')?.();
    });
    return {
      /** Texts received on `cid` up to the client's own marker message (one socket delivers in order). */
      async until(cid: string, marker: string): Promise<string[]> {
        const arrived = new Promise<void>((resolve) => waiters.set(marker, resolve));
        const [type, id] = cid.split(':');
        await client.channel(type, id).sendMessage({ text: marker });
        await arrived;
        return seen.filter((e) => e.cid === cid).map((e) => e.message?.text ?? '');
      },
    };
  };

  it('blocks, lists and unblocks for the connected user, idempotently', async () => {
    const alice = await connect('alice');
    const first = await alice.blockUser('bob');
    expect(first).toMatchObject({ blocked_by_user_id: 'alice', blocked_user_id: 'bob' });
    const again = await alice.blockUser('bob');
    expect((again as unknown as { created_at: string }).created_at).toBe(
      (first as unknown as { created_at: string }).created_at,
    );

    const { blocks } = await alice.getBlockedUsers();
    expect(blocks).toEqual([
      expect.objectContaining({
        user_id: 'alice',
        blocked_user_id: 'bob',
        blocked_user: expect.objectContaining({ id: 'bob' }),
        user: expect.objectContaining({ id: 'alice' }),
      }),
    ]);
    expect(alice.blockedUsers.getLatestValue().userIds).toEqual(['bob']);

    await alice.unBlockUser('bob');
    await alice.unBlockUser('bob');
    expect((await alice.getBlockedUsers()).blocks).toEqual([]);
  });

  it('lets the server block on behalf of a user and reports the block on connect', async () => {
    await server.blockUser('bob', 'alice');
    expect((await server.getBlockedUsers('alice')).blocks.map((b) => b.blocked_user_id)).toEqual(['bob']);
    const alice = await connect('alice');
    expect(alice.user?.blocked_user_ids).toEqual(['bob']);
    expect(alice.blockedUsers.getLatestValue().userIds).toEqual(['bob']);
  });

  it('refuses self-blocks, unknown users and server calls without user_id with code 4', async () => {
    const alice = await connect('alice');
    expect(await failure(alice.blockUser('alice'))).toMatchObject({ status: 400, code: 4 });
    expect(await failure(alice.blockUser('nobody'))).toMatchObject({ status: 400, code: 4 });
    expect(await failure(server.blockUser('bob'))).toMatchObject({ status: 400, code: 4 });
    expect(emu.state.blocks.size).toBe(0);
  });

  it("keeps the blocked user's 1-on-1 messages from reaching the blocker, in a group they still arrive", async () => {
    await server
      .channel('messaging', 'group', { members: ['alice', 'bob', 'carol'], created_by_id: 'carol' })
      .create();
    const alice = await connect('alice');
    const bob = await connect('bob');
    await alice.channel('messaging', 'alice-bob').watch();
    await alice.channel('messaging', 'group').watch();
    await alice.blockUser('bob');
    const received = recordMessages(alice);

    // As in Stream, the blocked user's send succeeds: the message is kept, only not delivered to the blocker.
    const sent = await bob.channel('messaging', 'alice-bob').sendMessage({ text: 'are you there?' });
    expect(sent.message.text).toBe('are you there?');
    await bob.channel('messaging', 'group').sendMessage({ text: 'hi all' });

    expect(await received.until('messaging:alice-bob', 'marker-direct')).toEqual(['marker-direct']);
    expect(await received.until('messaging:group', 'marker-group')).toEqual(['hi all', 'marker-group']);
    expect(emu.state.channels.get('messaging:alice-bob')?.messages.map((m) => m.text)).toEqual([
      'are you there?',
      'marker-direct',
    ]);
  });

  it('hides the 1-on-1 channel from the blocker until hidden channels are asked for, then flags it blocked', async () => {
    await server.channel('messaging', 'alice-bob').sendMessage({ text: 'hello', user_id: 'bob' });
    const alice = await connect('alice');
    const bob = await connect('bob');
    await alice.blockUser('bob');

    expect(await alice.queryChannels({ members: { $in: ['alice'] } })).toEqual([]);
    const hidden = await alice.queryChannels({ members: { $in: ['alice'] }, hidden: true });
    expect(hidden.map((c) => c.cid)).toEqual(['messaging:alice-bob']);
    expect(hidden[0].data?.blocked).toBe(true);
    expect(hidden[0].state.messages.map((m) => m.text)).toEqual(['hello']);
    // The block is one-directional: the blocked user still sees the channel.
    expect((await bob.queryChannels({ members: { $in: ['bob'] } })).map((c) => c.cid)).toEqual([
      'messaging:alice-bob',
    ]);

    await alice.unBlockUser('bob');
    const visible = await alice.queryChannels({ members: { $in: ['alice'] } });
    expect(visible.map((c) => c.cid)).toEqual(['messaging:alice-bob']);
  });

  it('leaves the blocker out of a channel the blocked user creates with them', async () => {
    await server.blockUser('bob', 'alice');
    const bob = await connect('bob');
    const created = await bob
      .channel('messaging', 'bob-alice', { members: ['bob', 'alice', 'carol'] })
      .create();
    expect(created.members.map((m) => m.user_id)).toEqual(['bob', 'carol']);
  });

  it('forgets the blocks of a hard-deleted user', async () => {
    await server.blockUser('bob', 'alice');
    await server.blockUser('alice', 'carol');
    await server.deleteUsers(['bob'], { user: 'hard', messages: 'hard', conversations: 'hard' });
    expect(emu.state.blocks.get('alice')?.size ?? 0).toBe(0);
    expect([...(emu.state.blocks.get('carol')?.keys() ?? [])]).toEqual(['alice']);
  });
});
