import { Types } from 'mongoose';
import { ApiProcess, eventually, newAccount, spawnApi, startTestBackends, TestBackends } from './harness';
import { redisForRun } from './redis-run';

// The API is stateless by design: two processes of the same build on one MongoDB, one Stream and one real Redis
// (127.0.0.1:6379, which .ci/run starts) behave as one service.
const LOGIN_LIMIT = 4;
const EXISTS_CACHE_MS = 1000;
const objectId = (id: string) => new Types.ObjectId(id);

describe('Two API instances behind one MongoDB, Stream and Redis', () => {
  let backends: TestBackends;
  let env: Record<string, string>;
  let a: ApiProcess;
  let b: ApiProcess;
  const { redis, prefix, env: redisEnv, removeKeys, close: closeRedis } = redisForRun();

  beforeAll(async () => {
    backends = await startTestBackends();
    env = {
      ...backends.env,
      ...redisEnv,
      THROTTLE_LOGIN_LIMIT: String(LOGIN_LIMIT),
      THROTTLE_SIGNUP_LIMIT: '1000',
      USER_EXISTS_CACHE_MS: String(EXISTS_CACHE_MS),
      SYNC_INTERVAL_MS: '200',
      SYNC_BACKOFF_BASE_MS: '200',
      SYNC_BACKOFF_MAX_MS: '1000',
      SYNC_LEASE_MS: '2000',
    };
    [a, b] = await Promise.all([spawnApi(env), spawnApi(env)]);
    await redis.connect();
  });
  afterAll(async () => {
    for (const api of [a, b]) api?.child.kill('SIGKILL');
    await closeRedis();
    await backends.close();
  });

  const call = (api: ApiProcess, method: string, path: string, body?: object, cookie?: string) =>
    fetch(`${api.base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: body && JSON.stringify(body),
    });
  const signUp = async (api: ApiProcess) => {
    const account = newAccount();
    const res = await call(api, 'POST', '/auth/signup', account);
    expect(res.status).toBe(201);
    const { user } = (await res.json()) as { user: { _id: string } };
    const cookie = res.headers
      .getSetCookie()
      .find((c) => c.startsWith('jwt='))!
      .split(';')[0];
    return { id: user._id, cookie, password: account.password };
  };
  const users = () => backends.db.collection('users');
  const pendingAmong = (ids: string[]) =>
    users().countDocuments({ _id: { $in: ids.map(objectId) }, syncPending: true });
  const pushesOf = (id: string) =>
    backends.stream.state.requests.filter((r) => r.status === 200 && r.userIds?.includes(id)).length;

  it('refuses an account deleted through one instance on the other within USER_EXISTS_CACHE_MS', async () => {
    const user = await signUp(a);
    expect((await call(b, 'GET', '/chats/token', undefined, user.cookie)).status).toBe(200);
    const deleted = await call(a, 'DELETE', '/users/me', { password: user.password }, user.cookie);
    expect(deleted.status).toBe(204);
    await new Promise((r) => setTimeout(r, EXISTS_CACHE_MS + 100));
    expect((await call(b, 'GET', '/chats/token', undefined, user.cookie)).status).toBe(401);
  });

  it('pushes users created on both instances while Stream was down exactly once each', async () => {
    backends.stream.faults.refuseConnections(true);
    const created: string[] = [];
    for (let i = 0; i < 6; i++) created.push((await signUp(i % 2 ? b : a)).id);
    expect(await pendingAmong(created)).toBe(created.length);
    backends.stream.faults.refuseConnections(false);

    await eventually(async () => (await pendingAmong(created)) === 0, 20_000);
    expect(created.map(pushesOf)).toEqual(created.map(() => 1));
  });

  it('refuses the N+1th login attempt across both instances with 429, counting in Redis', async () => {
    // A clean count: the account deletion above was a password guess too, on the same (shared) login limit.
    await removeKeys();
    const statuses: number[] = [];
    for (let i = 0; i <= LOGIN_LIMIT; i++) {
      const api = i % 2 ? b : a;
      statuses.push(
        (await call(api, 'POST', '/auth/login', { email: 'nobody@example.com', password: 'wrong-pass' }))
          .status,
      );
    }
    expect(statuses).toEqual([...Array<number>(LOGIN_LIMIT).fill(401), 429]);
    expect(await redis.keys(`${prefix}*`)).not.toEqual([]);
  });

  // Last: it replaces both instances.
  it('loses nothing when an instance dies in the middle of a sync: its lease expires and another finishes', async () => {
    b.child.kill('SIGTERM'); // only `a` syncs from here on
    await b.exited;
    backends.stream.faults.refuseConnections(true);
    const created: string[] = [];
    for (let i = 0; i < 3; i++) created.push((await signUp(a)).id);
    // Slow but within STREAM_TIMEOUT_MS: the worker's push is in flight when `a` dies.
    backends.stream.faults.setLatency(700);
    backends.stream.faults.refuseConnections(false);
    const leased = () =>
      users()
        .find({ _id: { $in: created.map(objectId) }, syncPending: true, syncLeaseUntil: { $gt: new Date() } })
        .toArray();
    await eventually(async () => (await leased()).length > 0, 10_000);
    a.child.kill('SIGKILL');
    await a.exited;
    // What `a` held when it died is still pending: Stream's acknowledgement never reached MongoDB.
    expect((await leased()).length).toBeGreaterThan(0);

    backends.stream.faults.setLatency(0);
    b = await spawnApi(env);
    await eventually(async () => (await pendingAmong(created)) === 0, 20_000);
    for (const id of created) expect(backends.stream.state.users.has(id)).toBe(true);
  });
});
