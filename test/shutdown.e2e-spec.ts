import {
  startMongoEmulator,
  startSmtpSink,
  startStreamEmulator,
  MongoEmulator,
  SmtpSink,
  StreamEmulator,
} from 'offline-emulators';
import { runBuiltCli } from './cli-process';
import { ApiProcess, newAccount, spawnApi, TEST_JWT_SECRET, TEST_MFA_KEYS } from './harness';

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
  afterAll(async () => {
    api?.child.kill('SIGKILL');
    await Promise.all([stream.close(), mail.close()]);
    await mongo.close();
  });

  it('on SIGTERM turns not-ready, drains, finishes in-flight requests and exits 0', async () => {
    api = await spawnApi({
      NODE_ENV: 'production',
      MONGODB_URI: `${mongo.uri}shutdown`,
      STREAM_API_KEY: stream.apiKey,
      STREAM_API_SECRET: stream.apiSecret,
      STREAM_BASE_URL: stream.baseUrl,
      JWT_SECRET_KEY: TEST_JWT_SECRET,
      MFA_ENCRYPTION_KEYS: TEST_MFA_KEYS,
      SMTP_URL: mail.smtpUrl,
      SHUTDOWN_DRAIN_MS: '1500',
    });
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
});
