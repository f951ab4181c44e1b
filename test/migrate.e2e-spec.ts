import { Types } from 'mongoose';
import { StreamChat } from 'stream-chat';
import { runBuiltCli } from './cli-process';
import { authCookie, createTestApp, eventually, TestApp, startTestBackends, TestBackends } from './harness';
import { buildSeedDatabase, mirrorSeedToStream, SeedDatabase } from './seed-fixture';

interface MigrationJson {
  exitCode: number;
  dryRun: boolean;
  users: Record<string, number>;
  friendRequests: {
    total: number;
    pairKeysSet: number;
    duplicates: { pair: string; kept: string; removed: string[] }[];
  };
  indexes: { built: string[]; failed: unknown[] };
  emailCaseConflicts: { email: string; accounts: { id: string; email: string }[] }[];
  target: { mongo: { database: string } };
}

const oid = (id: string) => new Types.ObjectId(id);

describe('Moving from the Express backend: migrate, then the app on the migrated data', () => {
  let b: TestBackends;
  let seed: SeedDatabase;
  let channelId: string;
  let t: TestApp | undefined;

  const migrate = async (...flags: string[]) => {
    const run = await runBuiltCli(['migrate', '--json', ...flags], b.env);
    return { ...run, report: JSON.parse(run.stdout) as MigrationJson };
  };
  const snapshot = async () => ({
    users: await b.db.collection('users').find().sort({ _id: 1 }).toArray(),
    requests: await b.db.collection('friendrequests').find().sort({ _id: 1 }).toArray(),
    indexes: (await b.db.collection('users').listIndexes().toArray()).length,
  });
  const user = async (id: string) => (await b.db.collection('users').findOne({ _id: oid(id) }))!;

  beforeAll(async () => {
    b = await startTestBackends();
    seed = await buildSeedDatabase(b.db);
    const stream = new StreamChat(b.stream.apiKey, b.stream.apiSecret, { baseURL: b.stream.baseUrl });
    channelId = await mirrorSeedToStream(seed, stream);
  });

  afterAll(async () => {
    await t?.close();
    await b.close();
  });

  it('--dry-run reports what it would do and what needs an operator, changes nothing, exits as the real run will', async () => {
    const before = await snapshot();

    const { code, report, stderr } = await migrate('--dry-run');

    expect(code).toBe(1); // the two "eve" accounts need a person
    expect(report).toMatchObject({ dryRun: true, exitCode: 1 });
    expect(report.users).toMatchObject({
      total: 9,
      emailsLowerCased: 2,
      languagesLowerCased: 1,
      queuedForStream: 9,
    });
    expect(report.users.friendLinksAdded).toBeGreaterThanOrEqual(1);
    expect(report.friendRequests.duplicates).toHaveLength(2);
    expect(report.friendRequests.duplicates).toEqual(
      expect.arrayContaining([
        // Several pending requests for one pair: the oldest stays.
        expect.objectContaining({
          kept: seed.requests.finnGiaOldest,
          removed: expect.arrayContaining(seed.requests.finnGiaLater),
        }),
        // An accepted request and an older pending one: the friendship stays.
        expect.objectContaining({
          kept: seed.requests.anaBenAccepted,
          removed: [seed.requests.anaBenCrossed],
        }),
      ]),
    );
    expect(report.emailCaseConflicts).toEqual([
      {
        email: 'eve@example.com',
        accounts: [
          expect.objectContaining({ id: seed.users.eveOld.id, email: 'Eve@Example.com' }),
          expect.objectContaining({ id: seed.users.eveNew.id, email: 'eve@example.com' }),
        ],
      },
    ]);
    expect(stderr).toContain('Target: MongoDB');
    expect(await snapshot()).toEqual(before);
  });

  it('adopts the seed database: emails, languages, friendships, one request per pair, pair keys, sync state, indexes', async () => {
    const { code, report } = await migrate();

    expect(code).toBe(1);
    expect(report.dryRun).toBe(false);
    expect(report.indexes.failed).toEqual([]);
    const { ana, carla, dan, eveOld, eveNew, finn, gia } = seed.users;
    expect((await user(ana.id)).email).toBe('ana.souza@example.com');
    expect((await user(ana.id)).nativeLanguage).toBe('portuguese');
    expect((await user(carla.id)).email).toBe('carla@example.com');
    // Left for the operator: neither address changes.
    expect((await user(eveOld.id)).email).toBe('Eve@Example.com');
    expect((await user(eveNew.id)).email).toBe('eve@example.com');
    expect((await user(dan.id)).friends.map(String)).toEqual([carla.id]);
    expect(await b.db.collection('users').countDocuments()).toBe(seed.allIds.length);
    expect(await b.db.collection('users').countDocuments({ syncPending: true })).toBe(seed.allIds.length);
    const pair = await b.db
      .collection('friendrequests')
      .find({ sender: { $in: [oid(finn.id), oid(gia.id)] } })
      .toArray();
    expect(pair.map((r) => String(r._id))).toEqual([seed.requests.finnGiaOldest]);
    expect(await b.db.collection('friendrequests').countDocuments({ pairKey: { $exists: false } })).toBe(0);
    const indexes = await runBuiltCli(['indexes'], b.env);
    expect(indexes.stdout).toContain('Every index the app relies on exists.');
    expect(indexes.code).toBe(0);
  });

  it('changes nothing on a second run (resumable and idempotent)', async () => {
    const before = await snapshot();

    const { report } = await migrate();

    expect(report.users).toMatchObject({
      emailsLowerCased: 0,
      languagesLowerCased: 0,
      queuedForStream: 0,
      friendLinksAdded: 0,
      missingFriendsRemoved: 0,
    });
    expect(report.friendRequests).toMatchObject({ pairKeysSet: 0, duplicates: [] });
    expect(report.indexes.built).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  describe('the app on the migrated database', () => {
    beforeAll(async () => {
      t = await createTestApp({
        MONGODB_URI: b.mongoUri,
        STREAM_API_KEY: b.stream.apiKey,
        STREAM_API_SECRET: b.stream.apiSecret,
        STREAM_BASE_URL: b.stream.baseUrl,
      });
    });

    const login = async (email: string, password: string) => {
      const res = await t!.http().post('/api/auth/login').send({ email, password });
      return {
        status: res.status,
        cookie: res.status === 200 ? authCookie(res) : '',
        body: res.body as { user?: { _id: string; emailVerified: boolean } },
      };
    };

    it('signs every old user in with the old password (bcryptjs $2a$ and $2b$ hashes), whatever the case typed', async () => {
      for (const account of Object.values(seed.users).filter((u) => u !== seed.users.eveOld)) {
        const res = await login(account.email, account.password);
        expect(res.status).toBe(200);
        expect(res.body.user?._id).toBe(account.id);
        // The seed never verified an address: its users read as unverified.
        expect(res.body.user?.emailVerified).toBe(false);
      }
      expect((await login('ANA.SOUZA@EXAMPLE.COM', seed.users.ana.password)).status).toBe(200);
    });

    it('keeps friends (made mutual) and requests, and lists onboarded old users in recommendations', async () => {
      const { ana, ben, carla, dan, finn, gia } = seed.users;
      const as = async (u: typeof ana) => (await login(u.email, u.password)).cookie;
      const friendsOf = async (u: typeof ana) =>
        (
          await t!
            .http()
            .get('/api/users/friends')
            .set('Cookie', await as(u))
            .expect(200)
        ).body as { _id: string }[];
      expect((await friendsOf(ana)).map((f) => f._id)).toEqual([ben.id]);
      expect((await friendsOf(dan)).map((f) => f._id)).toEqual([carla.id]);
      const anas = await t!
        .http()
        .get('/api/users/friend-requests')
        .set('Cookie', await as(ana))
        .expect(200);
      expect(anas.body.incomingReqs).toEqual([]);
      expect(anas.body.acceptedReqs.map((r: { _id: string }) => r._id)).toEqual([
        seed.requests.anaBenAccepted,
      ]);
      const incoming = await t!
        .http()
        .get('/api/users/friend-requests')
        .set('Cookie', await as(gia))
        .expect(200);
      expect(incoming.body.incomingReqs.map((r: { _id: string }) => r._id)).toEqual([
        seed.requests.finnGiaOldest,
      ]);
      const carlas = await t!
        .http()
        .get('/api/users/friend-requests')
        .set('Cookie', await as(carla))
        .expect(200);
      expect(carlas.body.incomingReqs.map((r: { _id: string }) => r._id)).toEqual([
        seed.requests.benCarlaPending,
      ]);
      const recommended = await t!
        .http()
        .get('/api/users?limit=100')
        .set('Cookie', await as(finn))
        .expect(200);
      const ids = (recommended.body as { _id: string }[]).map((u) => u._id);
      expect(ids).toEqual(expect.arrayContaining([ana.id, ben.id, carla.id, dan.id, seed.users.eveOld.id]));
      // Gia's native language is the one Finn learns: she ranks first.
      expect(ids[0]).toBe(gia.id);
    });

    it('lets exactly one of 20 concurrent friend requests between two migrated users through', async () => {
      const { dan, gia } = seed.users;
      const danCookie = (await login(dan.email, dan.password)).cookie;
      const giaCookie = (await login(gia.email, gia.password)).cookie;
      const sends = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t!
            .http()
            .post(`/api/users/friend-request/${i % 2 ? gia.id : dan.id}`)
            .set('Cookie', i % 2 ? danCookie : giaCookie),
        ),
      );
      expect(sends.filter((r) => r.status === 201)).toHaveLength(1);
      expect(sends.filter((r) => r.status === 409)).toHaveLength(19);
    });

    it('pushes every migrated user to Stream under the same id; their channel stays theirs', async () => {
      await eventually(
        async () => (await b.db.collection('users').countDocuments({ syncPending: true })) === 0,
        20_000,
      );
      for (const account of Object.values(seed.users)) {
        expect(b.stream.state.users.get(account.id)).toMatchObject({
          id: account.id,
          name: account.fullName,
        });
      }
      const stream = new StreamChat(b.stream.apiKey, b.stream.apiSecret, { baseURL: b.stream.baseUrl });
      const [channel] = await stream.queryChannels({ id: channelId });
      expect(Object.keys(channel.state.members).sort()).toEqual(
        [seed.users.ana.id, seed.users.ben.id].sort(),
      );
    });
  });
});
