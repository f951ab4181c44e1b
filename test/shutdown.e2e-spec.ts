import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  startMongoEmulator,
  startSmtpSink,
  startStreamEmulator,
  MongoEmulator,
  SmtpSink,
  StreamEmulator,
} from 'offline-emulators';
import { runBuiltCli } from './cli-process';
import { newAccount, TEST_JWT_SECRET } from './harness';

// Runs the built entry point (npm test builds first) the way an operator does, and stops it the way an orchestrator does.
describe('node dist/main.js', () => {
  let mongo: MongoEmulator;
  let stream: StreamEmulator;
  let mail: SmtpSink;
  let api: ChildProcess | undefined;
  const port = 5400 + Math.floor(Math.random() * 500);
  const base = `http://127.0.0.1:${port}/api`;

  beforeAll(async () => {
    mongo = await startMongoEmulator({ port: 0 });
    stream = await startStreamEmulator({ port: 0 });
    mail = await startSmtpSink();
    // As an operator deploys: production builds no index at boot and is not ready without them.
    await runBuiltCli(['indexes', '--apply'], { MONGODB_URI: `${mongo.uri}shutdown` });
  });
  afterAll(async () => {
    api?.kill('SIGKILL');
    await Promise.all([stream.close(), mail.close()]);
    await mongo.close();
  });

  const start = async (): Promise<{ child: ChildProcess; output: () => string }> => {
    let output = '';
    const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'main.js')], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: String(port),
        MONGODB_URI: `${mongo.uri}shutdown`,
        STREAM_API_KEY: stream.apiKey,
        STREAM_API_SECRET: stream.apiSecret,
        STREAM_BASE_URL: stream.baseUrl,
        JWT_SECRET_KEY: TEST_JWT_SECRET,
        SMTP_URL: mail.smtpUrl,
      },
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    for (let i = 0; i < 200; i++) {
      if (child.exitCode !== null) throw new Error(`API exited early:\n${output}`);
      const up = await fetch(`${base}/health`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (up) return { child, output: () => output };
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`API did not come up:\n${output}`);
  };

  it('finishes in-flight requests on SIGTERM, then exits', async () => {
    const { child, output } = await start();
    api = child;
    stream.faults.setLatency(800); // keeps a signup in flight (below STREAM_TIMEOUT_MS)
    const inFlight = fetch(`${base}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(newAccount()),
    });
    await new Promise((r) => setTimeout(r, 300));
    const exited = new Promise<string>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)),
    );
    child.kill('SIGTERM');

    expect((await inFlight).status).toBe(201);
    // Nest closes the app (HTTP server, Mongo) and then re-raises the signal, as orchestrators expect.
    expect(await exited).toBe('SIGTERM');
    expect(output()).not.toContain(TEST_JWT_SECRET);
    stream.faults.setLatency(0);
  });
});
