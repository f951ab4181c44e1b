import { mongo } from 'mongoose';
import request from 'supertest';
import {
  createTestApp,
  eventually,
  PRODUCTION_MONGO_DEADLINES,
  newAccount,
  signUpOnboarded,
  SignedUpUser,
  TestApp,
} from './harness';

/**
 * Each way the driver reports "MongoDB cannot serve this now", provoked with mongod's failCommand fail point
 * (the emulator's, as a test would on a real mongod with enableTestCommands): however it is wrapped, the client
 * gets a 503 with Retry-After, never a 500. The log line names what the driver threw, so each case proves the
 * wrapping it claims.
 */
describe('MongoDB unavailable, however the driver wraps it', () => {
  let t: TestApp;
  let me: SignedUpUser;

  // A client of its own sets the fail point: the app's may be failing server selection after a state-change code.
  let control: mongo.MongoClient;

  beforeAll(async () => {
    t = await createTestApp(PRODUCTION_MONGO_DEADLINES);
    control = await mongo.MongoClient.connect(process.env.MONGODB_URI!);
    me = await signUpOnboarded(t);
  });
  afterAll(async () => {
    await control.close();
    await t.close();
  });
  beforeEach(() => {
    t.logs.lines.length = 0; // each case checks its own log line
  });
  afterEach(async () => {
    await failPoint('off');
    t.stream.faults.setLatency(0);
    // After a state-change code the driver holds the server unknown until a heartbeat (every 10 s) answers.
    await eventually(async () => (await me_()).status === 200, 15_000);
  });

  const failPoint = (mode: 'off' | 'alwaysOn' | { times: number }, data: object = {}) =>
    control.db('admin').command({ configureFailPoint: 'failCommand', mode, data });
  const me_ = () => t.http().get('/api/auth/me').set('Cookie', me.cookie).timeout(5_000);

  /** A 503 with Retry-After and the standard body, logged as `MongoDB unavailable: <what the driver threw>`. */
  const expectUnavailable = (res: request.Response, thrown: string) => {
    expect(res.status).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body).toEqual({
      statusCode: 503,
      message: expect.any(String),
      error: 'Service Unavailable',
    });
    expect(t.logs.lines.some((l) => l.includes(`MongoDB unavailable: ${thrown}`))).toBe(true);
  };

  it('signup with Stream slow and MongoDB stalling after the push: 503, not 500 (a bulk write wrapping a timeout)', async () => {
    t.stream.faults.setLatency(1_000);
    // The first `update` is the sync-state write after the Stream push; it outlasts MONGODB_TIMEOUT_MS.
    await failPoint({ times: 1 }, { failCommands: ['update'], blockConnection: true, blockTimeMS: 1_500 });
    const account = newAccount();
    const res = await t.http().post('/api/auth/signup').send(account).timeout(5_000);
    expectUnavailable(res, 'MongoBulkWriteError');
  });

  // The update is the signup's sync-state bulk write; the insert is the account itself, one document.
  for (const [command, thrown] of [
    ['update', 'MongoBulkWriteError'],
    ['insert', 'MongoWriteConcernError'],
  ] as const) {
    it(`a write concern error on ${command} (${thrown}): 503`, async () => {
      const writeConcernError = { code: 64, codeName: 'WriteConcernFailed', errmsg: 'replication timed out' };
      await failPoint({ times: 1 }, { failCommands: [command], writeConcernError });
      expectUnavailable(await t.http().post('/api/auth/signup').send(newAccount()), thrown);
    });
  }

  it('a connection closed mid-request: 503', async () => {
    await failPoint({ times: 1 }, { failCommands: ['find'], closeConnection: true });
    expectUnavailable(await me_(), 'MongoNetworkError');
  });

  it('no reply before the socket deadline: 503', async () => {
    await failPoint({ times: 1 }, { failCommands: ['find'], blockConnection: true, blockTimeMS: 1_500 });
    expectUnavailable(await me_(), 'MongoNetworkTimeoutError');
  });

  // One shutdown code and one step-down code (each costs a heartbeat, 10 s); the unit spec covers the others.
  for (const [code, name] of [
    [91, 'ShutdownInProgress'],
    [10107, 'NotWritablePrimary'],
  ] as const) {
    it(`a server stepping down or shutting down (${code} ${name}): 503 until the next heartbeat finds it`, async () => {
      await failPoint({ times: 1 }, { failCommands: ['find'], errorCode: code });
      expectUnavailable(await me_(), 'MongoServerError');
      // The driver now holds the server unknown: requests fail server selection until a heartbeat answers.
      const next = await me_();
      if (next.status !== 200) expectUnavailable(next, 'MongoServerSelectionError');
    });
  }
});
