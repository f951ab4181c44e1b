import * as bcrypt from 'bcrypt';
import { Types } from 'mongoose';
import { StreamChat } from 'stream-chat';
import { buildSeedDatabase, mirrorSeedToStream, SeedDatabase } from './seed-fixture';
import { startTestBackends, TestBackends } from './harness';

interface StoredUser {
  _id: Types.ObjectId;
  email: string;
  password: string;
  friends: unknown[];
}

describe('Seed-shaped database (the fixture migrations are tested on)', () => {
  let backends: TestBackends;
  let seed: SeedDatabase;

  beforeAll(async () => {
    backends = await startTestBackends();
    seed = await buildSeedDatabase(backends.db);
  });

  afterAll(async () => {
    await backends.close();
  });

  it("stores bcryptjs hashes at 10 rounds ($2a$ and $2b$) that the API's bcrypt verifies", async () => {
    const stored = await backends.db.collection<StoredUser>('users').find().toArray();
    expect(stored).toHaveLength(seed.allIds.length);
    expect(new Set(stored.map((u) => u.password.slice(0, 7)))).toEqual(new Set(['$2a$10$', '$2b$10$']));
    for (const account of Object.values(seed.users)) {
      const user = stored.find((u) => String(u._id) === account.id)!;
      await expect(bcrypt.compare(account.password, user.password)).resolves.toBe(true);
      await expect(bcrypt.compare(`${account.password}x`, user.password)).resolves.toBe(false);
    }
  });

  it('holds what the seed let through: capitals, a case-only email pair, a one-sided friendship, repeated requests', async () => {
    const users = backends.db.collection<StoredUser>('users');
    expect(await users.countDocuments({ email: /[A-Z]/ })).toBe(3);
    const eves = await users.find({ email: /^eve@example\.com$/i }).toArray();
    expect(eves.map((u) => u.email).sort()).toEqual(['Eve@Example.com', 'eve@example.com']);
    const { carla, dan } = seed.users;
    const byId = async (id: string) => (await users.findOne({ _id: new Types.ObjectId(id) }))!;
    expect((await byId(carla.id)).friends.map(String)).toEqual([dan.id]);
    expect((await byId(dan.id)).friends).toEqual([]);
    const requests = backends.db.collection('friendrequests');
    expect(await requests.countDocuments({ status: 'pending' })).toBe(5);
    expect(await requests.countDocuments({ pairKey: { $exists: true } })).toBe(0);
    expect((await users.listIndexes().toArray()).map((i) => i.name as string)).toEqual(['_id_', 'email_1']);
  });

  it('mirrors every seed user into Stream with the same id, and their channel', async () => {
    const client = new StreamChat(backends.stream.apiKey, backends.stream.apiSecret, {
      baseURL: backends.stream.baseUrl,
    });
    const channelId = await mirrorSeedToStream(seed, client);
    const { users } = await client.queryUsers({ id: { $in: seed.allIds } });
    expect(users.map((u) => u.id).sort()).toEqual([...seed.allIds].sort());
    const [channel] = await client.queryChannels({ id: channelId });
    expect(Object.keys(channel.state.members).sort()).toEqual([seed.users.ana.id, seed.users.ben.id].sort());
  });
});
