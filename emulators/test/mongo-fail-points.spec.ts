/**
 * mongod's `failCommand` fail point, driven through the real driver: each setting must produce the error the
 * driver produces against a real server, since the API's fault tests rely on it to provoke every wrapping.
 */
import {
  MongoBulkWriteError,
  MongoClient,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerError,
  MongoWriteConcernError,
  type Document,
} from 'mongodb';
import { startMongoEmulator, type MongoEmulator } from '../src/mongo';

describe('mongo emulator failCommand fail point', () => {
  let emulator: MongoEmulator;
  let client: MongoClient;

  beforeAll(async () => {
    emulator = await startMongoEmulator({ port: 0 });
    // Fail fast, no driver retries: each fault must surface as the error the driver raises for it.
    client = await MongoClient.connect(emulator.uri, {
      serverSelectionTimeoutMS: 1000,
      socketTimeoutMS: 400,
      retryReads: false,
      retryWrites: false,
      appName: 'under-test',
    });
  });
  afterAll(async () => {
    await client.close();
    await emulator.close();
  });
  afterEach(() => failPoint({ mode: 'off' }));

  const admin = () => client.db('admin');
  const things = () => client.db('f').collection<Document>('things');
  const failPoint = (settings: Document) =>
    admin().command({ configureFailPoint: 'failCommand', ...settings });

  it('answers errorCode for the named commands only, `times` times, then runs them again', async () => {
    await failPoint({ mode: { times: 1 }, data: { failCommands: ['insert'], errorCode: 91 } });
    expect(await things().countDocuments()).toBe(0); // another command is untouched
    const error: unknown = await things()
      .insertOne({ a: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 91 });
    await client.connect(); // a state-change code marks the server unknown until the next heartbeat
    await things().insertOne({ a: 2 }, { timeoutMS: 5000 });
    expect(await things().countDocuments({ a: 2 })).toBe(1);
    expect(await things().countDocuments({ a: 1 })).toBe(0);
  });

  it('adds a writeConcernError after the write: one write throws it, a bulk write wraps it', async () => {
    const writeConcernError = { code: 64, errmsg: 'waiting for replication timed out' };
    await failPoint({ mode: { times: 2 }, data: { failCommands: ['insert'], writeConcernError } });
    await expect(things().insertOne({ w: 1 })).rejects.toBeInstanceOf(MongoWriteConcernError);
    const bulk: unknown = await things()
      .bulkWrite([{ insertOne: { document: { w: 2 } } }])
      .catch((e: unknown) => e);
    expect(bulk).toBeInstanceOf(MongoBulkWriteError);
    expect((bulk as MongoBulkWriteError).code).toBe(64);
    expect(await things().countDocuments({ w: { $exists: true } })).toBe(2); // the writes themselves happened
  });

  it('closeConnection drops the connection without an answer: a network error', async () => {
    await failPoint({ mode: { times: 1 }, data: { failCommands: ['find'], closeConnection: true } });
    await expect(things().findOne({})).rejects.toBeInstanceOf(MongoNetworkError);
  });

  it('blockConnection holds the answer for blockTimeMS: past the socket timeout a network timeout', async () => {
    await failPoint({
      mode: 'alwaysOn',
      data: { failCommands: ['count', 'aggregate'], blockConnection: true, blockTimeMS: 600 },
    });
    await expect(things().countDocuments()).rejects.toBeInstanceOf(MongoNetworkTimeoutError);
    await failPoint({ mode: 'off' });
    await failPoint({
      mode: { times: 1 },
      data: { failCommands: ['find'], blockConnection: true, blockTimeMS: 100 },
    });
    expect(await things().findOne({ a: 2 })).toMatchObject({ a: 2 }); // a short block only delays it
  });

  it("targets one application by appName, reports the matches left and refuses a fail point it doesn't know", async () => {
    await failPoint({ mode: { times: 3 }, data: { failCommands: ['find'], errorCode: 2, appName: 'other' } });
    expect(await things().findOne({ a: 2 })).toMatchObject({ a: 2 });
    expect(await failPoint({ mode: 'off' })).toMatchObject({ count: 3, ok: 1 });
    await expect(admin().command({ configureFailPoint: 'noSuchPoint', mode: 'off' })).rejects.toMatchObject({
      code: 2,
    });
    await expect(
      client.db('f').command({ configureFailPoint: 'failCommand', mode: 'off' }),
    ).rejects.toMatchObject({ code: 13 });
  });
});
