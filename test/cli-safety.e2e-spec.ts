import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { CLI_PATH, runBuiltCli } from './cli-process';
import { startTestBackends, TestBackends } from './harness';

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('The admin CLI cannot hit the wrong target (built dist/cli.js)', () => {
  let b: TestBackends;
  /** Only what an operator would set for these commands. */
  let env: Record<string, string>;

  beforeAll(async () => {
    b = await startTestBackends();
    env = {
      MONGODB_URI: b.mongoUri,
      STREAM_API_KEY: b.stream.apiKey,
      STREAM_API_SECRET: b.stream.apiSecret,
      STREAM_BASE_URL: b.stream.baseUrl,
    };
  });

  afterAll(async () => {
    await b.close();
  });

  it('answers --help and --version with no configuration at all', async () => {
    const help = await runBuiltCli(['--help'], {});
    expect(help.code).toBe(0);
    for (const command of ['delete-users', 'sync-users', 'migrate', 'indexes'])
      expect(help.stdout).toContain(command);
    const version = await runBuiltCli(['--version'], {});
    expect(version).toMatchObject({
      code: 0,
      stdout: `${(JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version}\n`,
    });
    const migrateHelp = await runBuiltCli(['migrate', '--help'], {});
    for (const option of ['--dry-run', '--json', '--embedded']) expect(migrateHelp.stdout).toContain(option);
  });

  it('has no default database: without MONGODB_URI it says so in one line and exits 1, changing nothing', async () => {
    const run = await runBuiltCli(['delete-users', new Types.ObjectId().toString(), '--yes'], {});
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/MONGODB_URI: is required.*--embedded/);
  });

  it('asks only for the settings the command uses (never a JWT secret), in one line', async () => {
    const syncWithoutStream = await runBuiltCli(['sync-users'], {
      NODE_ENV: 'production',
      MONGODB_URI: b.mongoUri,
    });
    expect(syncWithoutStream.code).toBe(1);
    expect(lines(syncWithoutStream.stderr)).toHaveLength(1);
    expect(syncWithoutStream.stderr).toContain('STREAM_API_KEY: is required; STREAM_API_SECRET: is required');
    expect(syncWithoutStream.stderr).not.toContain('JWT_SECRET_KEY');

    const indexes = await runBuiltCli(['indexes', '--apply'], {
      NODE_ENV: 'production',
      MONGODB_URI: b.mongoUri,
      PORT: 'not-a-port', // a setting the CLI never reads cannot fail it
    });
    expect(indexes.stderr).toBe('');
    expect(indexes.code).toBe(0);

    const bad = await runBuiltCli(['migrate'], { MONGODB_URI: 'http://db.example.com' });
    expect(bad.code).toBe(1);
    expect(lines(bad.stderr)).toEqual([
      expect.stringContaining('MONGODB_URI must be a mongodb:// or mongodb+srv:// URI'),
    ]);
  });

  it('names the host and the cause in one line when MongoDB is unreachable, before announcing anything', async () => {
    const port = await closedPort();
    const refused = await runBuiltCli(['delete-users', new Types.ObjectId().toString(), '--yes'], {
      ...env,
      MONGODB_URI: `mongodb://127.0.0.1:${port}/prod`,
      MONGODB_CONNECT_TIMEOUT_MS: '1000',
    });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(lines(refused.stderr)).toEqual([
      `lingo-admin delete-users: cannot reach MongoDB at 127.0.0.1:${port} within 1000 ms: connect ECONNREFUSED 127.0.0.1:${port}`,
    ]);

    // A server that accepts connections and never answers.
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as { port: number }).port;
    try {
      const hung = await runBuiltCli(['migrate'], {
        MONGODB_URI: `mongodb://127.0.0.1:${silentPort}/prod`,
        MONGODB_CONNECT_TIMEOUT_MS: '1000',
      });
      expect(hung.code).toBe(1);
      expect(hung.stdout).toBe('');
      expect(lines(hung.stderr)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^lingo-admin migrate: cannot reach MongoDB at 127\\.0\\.0\\.1:${silentPort} within 1000 ms: .+`,
          ),
        ),
      ]);
    } finally {
      silent.close();
    }
  });

  it('prints its target (database and Stream app) before anything else', async () => {
    const run = await runBuiltCli(['delete-users', new Types.ObjectId().toString(), '--yes'], env);
    expect(run.code).toBe(0);
    const [first, ...rest] = lines(run.stdout);
    const database = new URL(b.mongoUri).pathname.slice(1);
    expect(first).toBe(
      `Target: MongoDB ${new URL(b.mongoUri).host}, database "${database}" (${b.mongoUri}); ` +
        `Stream app ${b.stream.apiKey} at ${b.stream.baseUrl}`,
    );
    expect(rest.join('\n')).toContain('About to delete 1 user(s)');
  });

  it('uses the embedded stand-ins only when asked with --embedded, and says so', async () => {
    const run = await runBuiltCli(['indexes', '--embedded', '--apply'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('[embedded stand-ins, thrown away on exit]');
  });

  it('exits with the same code on a dry run as on the real run', async () => {
    const unknown = new Types.ObjectId().toString();
    for (const ids of [[unknown], [unknown, 'not-an-id']]) {
      const dry = await runBuiltCli(['delete-users', ...ids, '--dry-run'], env);
      const real = await runBuiltCli(['delete-users', ...ids, '--yes'], env);
      expect(dry.code).toBe(real.code);
    }
    expect((await runBuiltCli(['delete-users', unknown, 'not-an-id', '--dry-run'], env)).code).toBe(1);
  });

  it('prints one JSON document with the exit code and the target on every command with --json', async () => {
    const commands = [
      ['delete-users', new Types.ObjectId().toString(), '--dry-run'],
      ['sync-users', '--dry-run'],
      ['migrate', '--dry-run'],
      ['indexes'],
    ];
    for (const args of commands) {
      const run = await runBuiltCli([...args, '--json'], env);
      const doc = JSON.parse(run.stdout) as { exitCode: number; target: { mongo: { database: string } } };
      expect(doc.exitCode).toBe(run.code);
      expect(doc.target.mongo.database).toBe(new URL(b.mongoUri).pathname.slice(1));
    }
    const refused = await runBuiltCli(['migrate', '--json'], {});
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toEqual({
      exitCode: 1,
      error: expect.stringContaining('MONGODB_URI'),
    });
  });

  it('installs as a `lingo-admin` command (node dist/cli.js keeps working)', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string> };
    expect(join(__dirname, '..', pkg.bin['lingo-admin'])).toBe(CLI_PATH);
    expect(readFileSync(CLI_PATH, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });
});
