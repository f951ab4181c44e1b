/**
 * TTL indexes, through the real driver: mongod's background monitor deletes expired documents on each pass,
 * every `ttlMonitorSleepSecs` (60 by default), a setting the tests shorten with `setParameter` as on mongod.
 */
import { MongoClient, type Document } from 'mongodb';
import { startMongoEmulator, type MongoEmulator } from '../src/mongo';

/** Polls until `check` holds (the monitor runs on its own schedule). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('mongo emulator TTL monitor', () => {
  let emulator: MongoEmulator;
  let client: MongoClient;
  const admin = () => client.db('admin');
  const sessions = () => client.db('t').collection<Document>('sessions');

  beforeAll(async () => {
    emulator = await startMongoEmulator({ port: 0 });
    client = await MongoClient.connect(emulator.uri);
  });
  afterAll(async () => {
    await client.close();
    await emulator.close();
  });

  it('runs every 60 s by default, a setting changed with setParameter on the admin database', async () => {
    expect(await admin().command({ getParameter: 1, ttlMonitorSleepSecs: 1 })).toMatchObject({
      ttlMonitorSleepSecs: 60,
    });
    expect(await admin().command({ setParameter: 1, ttlMonitorSleepSecs: 1 })).toMatchObject({
      was: 60,
      ok: 1,
    });
    await expect(client.db('t').command({ setParameter: 1, ttlMonitorSleepSecs: 1 })).rejects.toMatchObject({
      code: 13,
    });
    await expect(admin().command({ setParameter: 1, noSuchParameter: 1 })).rejects.toMatchObject({
      code: 72,
    });
  });

  it('deletes documents past expireAfterSeconds on its next pass, and only those', async () => {
    await admin().command({ setParameter: 1, ttlMonitorSleepSecs: 1 });
    await sessions().createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await sessions().createIndex({ createdAt: 1 }, { expireAfterSeconds: 3600 });
    const past = new Date(Date.now() - 1_000);
    await sessions().insertMany([
      { _id: 'expired', expiresAt: past } as Document,
      { _id: 'expired-by-its-earliest-date', expiresAt: [new Date(Date.now() + 3_600_000), past] },
      { _id: 'future', expiresAt: new Date(Date.now() + 3_600_000) },
      { _id: 'not-a-date', expiresAt: 'yesterday' },
      { _id: 'no-field' },
      { _id: 'older-than-an-hour', createdAt: new Date(Date.now() - 3_601_000) },
      { _id: 'recent', createdAt: new Date() },
    ]);
    await eventually(async () => (await sessions().countDocuments()) === 4);
    const left = await sessions().find().sort({ _id: 1 }).toArray();
    expect(left.map((d) => d._id)).toEqual(['future', 'no-field', 'not-a-date', 'recent']);
  });

  it('respects a partial TTL index and ignores a compound one', async () => {
    const tokens = client.db('t').collection<Document>('tokens');
    await tokens.createIndex(
      { at: 1 },
      { expireAfterSeconds: 0, partialFilterExpression: { kind: 'short' } },
    );
    await tokens.createIndex({ kind: 1, until: 1 }, { expireAfterSeconds: 0 });
    const past = new Date(Date.now() - 1_000);
    await tokens.insertMany([
      { _id: 'short', kind: 'short', at: past } as Document,
      { _id: 'long', kind: 'long', at: past, until: past },
    ]);
    await eventually(async () => (await tokens.countDocuments({ _id: 'short' } as Document)) === 0);
    expect(await tokens.countDocuments({ _id: 'long' } as Document)).toBe(1);
  });
});
