import {
  startMongoEmulator,
  startSmtpSink,
  startStreamEmulator,
  MongoEmulator,
  SmtpSink,
  StreamEmulator,
} from 'offline-emulators';
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { runBuiltCli } from './cli-process';
import { ApiProcess, eventually, newAccount, spawnApi, TEST_JWT_SECRET, TEST_MFA_KEYS } from './harness';
import { probe } from './http-probe';

// Runs the built entry point (npm test builds first) the way an operator does, and stops it the way an orchestrator does.
describe('node dist/main.js', () => {
  let mongo: MongoEmulator;
  let stream: StreamEmulator;
  let mail: SmtpSink;
  let api: ApiProcess | undefined;

  beforeAll(async () => {
    mongo = await startMongoEmulator({ port: 0 });
    stream = await startStreamEmulator({ port: 0 });
    mail = await startSmtpSink();
    // As an operator deploys: production builds no index at boot and is not ready without them.
    await runBuiltCli(['indexes', '--apply'], { MONGODB_URI: `${mongo.uri}shutdown` });
  });
  afterEach(() => api?.child.kill('SIGKILL'));
  afterAll(async () => {
    await Promise.all([stream.close(), mail.close()]);
    await mongo.close();
  });

  const spawnProduction = (env: Record<string, string> = {}) =>
    spawnApi({
      NODE_ENV: 'production',
      MONGODB_URI: `${mongo.uri}shutdown`,
      STREAM_API_KEY: stream.apiKey,
      STREAM_API_SECRET: stream.apiSecret,
      STREAM_BASE_URL: stream.baseUrl,
      JWT_SECRET_KEY: TEST_JWT_SECRET,
      MFA_ENCRYPTION_KEYS: TEST_MFA_KEYS,
      SMTP_URL: mail.smtpUrl,
      ...env,
    });
  /** How many of these requests got no reply (a reset or a refused connection). */
  const failures = async (requests: Promise<unknown>[]) =>
    (await Promise.allSettled(requests)).filter((r) => r.status === 'rejected').length;

  it('on SIGTERM turns not-ready, drains, finishes in-flight requests and exits 0', async () => {
    api = await spawnProduction({ SHUTDOWN_DRAIN_MS: '1500' });
    const { base, child, output, exited } = api;
    await fetch(`${base}/health/ready`).then((r) => expect(r.status).toBe(200));
    stream.faults.setLatency(800); // keeps a signup in flight (below STREAM_TIMEOUT_MS)
    const inFlight = fetch(`${base}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(newAccount()),
    });
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));

    // Draining: load balancers see "not ready" while the process still serves.
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ details: { shutdown: { status: 'down' } } });
    expect((await fetch(`${base}/health/live`)).status).toBe(200);

    expect((await inFlight).status).toBe(201);
    expect(await exited).toBe('code 0');
    expect(output()).not.toContain(TEST_JWT_SECRET);
    // Every line, the last ones included, is JSON on stdout.
    for (const line of output().trim().split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow();
    stream.faults.setLatency(0);
  });

  it('with the default settings answers every request sent on a new connection across SIGTERM', async () => {
    api = await spawnProduction();
    const { base, child, exited } = api;
    const live = () => probe(`${base}/health/live`);
    const before = Array.from({ length: 30 }, live);
    child.kill('SIGTERM');
    // A load balancer keeps sending until it notices: the default drain (5 s in production) takes these in.
    const after: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) {
      after.push(live());
      await sleep(30);
    }
    expect(await failures([...before, ...after])).toBe(0);
    expect(await exited).toBe('code 0');
  });

  it('reads and answers requests sent on kept-alive connections after the listener closed', async () => {
    api = await spawnProduction({ SHUTDOWN_DRAIN_MS: '300' });
    const { base, child, exited, output } = api;
    // One kept-alive connection per client, opened and idle before the signal.
    const agents = Array.from({ length: 20 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    for (const agent of agents) expect((await probe(`${base}/health/live`, { agent })).status).toBe(200);
    child.kill('SIGTERM');
    await eventually(() => output().includes('SIGTERM: not ready any more'));
    // Second requests on those connections, spread from the signal to well past the listener's close (300 ms).
    const replies = agents.map(async (agent, i) => {
      await sleep(i * 60);
      return probe(`${base}/health/live`, { agent });
    });
    expect(await failures(replies)).toBe(0);
    for (const reply of await Promise.all(replies)) {
      expect(reply).toMatchObject({ status: 200, reusedSocket: true });
      expect(reply.headers.connection).toBe('close');
    }
    expect(await exited).toBe('code 0');
    for (const agent of agents) agent.destroy();
  });
});
