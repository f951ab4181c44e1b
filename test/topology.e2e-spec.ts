import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { ApiProcess, eventually, newAccount, spawnApi, startTestBackends, TestBackends } from './harness';
import { probe } from './http-probe';
import { NginxProxy, startNginx } from './nginx-proxy';
import { redisForRun } from './redis-run';

// The production topology run for real: Debian's nginx with deploy/nginx.conf in front of two built API processes
// (production settings), the real Redis on 127.0.0.1:6379 and the MongoDB and Stream emulators. Any 127.x.y.z
// reaches nginx on Linux, so each client below has its own address.

describe('nginx in front of two API instances', () => {
  let backends: TestBackends;
  let nginx: NginxProxy;
  let env: Record<string, string>;
  const ports: number[] = [];
  const apis: ApiProcess[] = [];
  const shared = redisForRun();

  const start = async (i: number) => {
    apis[i] = await spawnApi({ ...env, PORT: String(ports[i]) });
  };
  const allOutput = () => apis.map((api) => api.output()).join('\n');

  beforeAll(async () => {
    backends = await startTestBackends();
    env = {
      ...backends.env,
      ...shared.env,
      // nginx reaches the replicas from 127.0.0.1: its word on the client address is taken, nobody else's.
      TRUST_PROXY: '127.0.0.1',
      THROTTLE_LOGIN_LIMIT: '3',
    };
    // Bound once on a free port, then kept: nginx's upstream list is static here, as Docker's names are.
    for (let i = 0; i < 2; i++) {
      const first = await spawnApi(env);
      ports.push(Number(new URL(first.base).port));
      first.child.kill('SIGKILL');
      await first.exited;
      await start(i);
    }
    nginx = await startNginx(ports.map((p) => `127.0.0.1:${p}`));
    await shared.redis.connect();
  }, 90_000);
  afterAll(async () => {
    for (const api of apis) api?.child.kill('SIGKILL');
    await nginx?.close();
    await shared.close();
    await backends.close();
  });

  const login = (localAddress: string, email: string, headers: Record<string, string> = {}) =>
    probe(`${nginx.origin}/api/auth/login`, {
      method: 'POST',
      localAddress,
      headers,
      body: { email, password: 'wrong-password' },
    });

  it("carries nginx's request id, or the caller's, into the API's logs and nginx's", async () => {
    const given = `topology-${randomBytes(6).toString('hex')}`;
    const echoed = await login('127.0.0.4', newAccount().email, { 'x-request-id': given });
    expect(echoed.headers['x-request-id']).toBe(given);
    const generated = String((await login('127.0.0.4', newAccount().email)).headers['x-request-id']);
    expect(generated).toMatch(/^[0-9a-f]{32}$/); // nginx's $request_id
    for (const id of [given, generated]) {
      // Both logs are written once the reply is on its way.
      await eventually(() => nginx.accessLog().some((line) => line.requestId === id && line.status === 401));
      await eventually(() => allOutput().includes(`"requestId":"${id}"`));
    }
  });

  it('keys the login limit on the real client address, whatever X-Forwarded-For the client sends', async () => {
    const { email } = newAccount();
    for (let i = 1; i <= 3; i++) {
      const res = await login('127.0.0.2', email, { 'x-forwarded-for': `198.51.100.${i}` });
      expect(res.status).toBe(401);
    }
    expect((await login('127.0.0.2', email, { 'x-forwarded-for': '198.51.100.4' })).status).toBe(429);
    expect((await login('127.0.0.2', email)).status).toBe(429);
    // Another client is not held back by the first one's failures (counts shared by both replicas in Redis).
    expect((await login('127.0.0.3', email)).status).toBe(401);
  });

  /** Requests through nginx from `workers` clients until stopped: a GET and a POST in turn. */
  const runLoad = (workers: number) => {
    let running = true;
    const agent = new Agent({ keepAlive: true });
    const outcomes = { ok: 0, failed: [] as string[] };
    const worker = async () => {
      for (let i = 0; running; i++) {
        const request =
          i % 2 === 0
            ? probe(`${nginx.origin}/api/health/live`, { agent })
            : probe(`${nginx.origin}/api/auth/logout`, { agent, method: 'POST' });
        await request.then(
          (res) => (res.status === 200 ? outcomes.ok++ : outcomes.failed.push(`status ${res.status}`)),
          (error: Error) => outcomes.failed.push(error.message),
        );
      }
    };
    const done = Promise.all(Array.from({ length: workers }, worker));
    return {
      outcomes,
      stop: async () => {
        running = false;
        await done;
        agent.destroy();
        return outcomes;
      },
    };
  };

  it('loses no request through a rolling restart (SIGTERM one instance at a time, then start it again)', async () => {
    const load = runLoad(6);
    for (let i = 0; i < apis.length; i++) {
      apis[i].child.kill('SIGTERM');
      expect(await apis[i].exited).toBe('code 0');
      await start(i);
    }
    const before = load.outcomes.ok;
    // Both instances serve again before the load stops.
    while (load.outcomes.ok < before + 50) await new Promise((r) => setTimeout(r, 50));
    const { ok, failed } = await load.stop();
    expect(failed).toEqual([]);
    expect(ok).toBeGreaterThan(100);
  }, 120_000);

  it('takes a stopped instance out without a client error', async () => {
    apis[1].child.kill('SIGKILL');
    await apis[1].exited;
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? probe(`${nginx.origin}/api/health/live`)
          : probe(`${nginx.origin}/api/auth/logout`, { method: 'POST' }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    // nginx tried the stopped one, then served from the other.
    const stopped = `127.0.0.1:${ports[1]}`;
    expect(nginx.accessLog().some((line) => String(line.upstream).startsWith(`${stopped}, `))).toBe(true);
  });
});
