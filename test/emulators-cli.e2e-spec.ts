import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { StreamChat } from 'stream-chat';

// `npm run emulators` (built by npm test's build step): the env lines it prints must point at working servers.
describe('npm run emulators', () => {
  it('prints MONGODB_URI and STREAM_* lines that real clients can use, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(__dirname, '..', 'emulators', 'dist', 'cli.js')], {
      env: { PATH: process.env.PATH, MONGO_EMULATOR_PORT: '0', STREAM_EMULATOR_PORT: '0' },
    });
    let out = '';
    const env: Record<string, string> = {};
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        for (const [, name, value] of out.matchAll(/^([A-Z_]+)=(\S+)$/gm)) env[name] = value;
        if (env.STREAM_API_SECRET) resolve();
      });
    });
    expect(Object.keys(env).sort()).toEqual([
      'MONGODB_URI',
      'STREAM_API_KEY',
      'STREAM_API_SECRET',
      'STREAM_BASE_URL',
    ]);

    const mongo = await MongoClient.connect(env.MONGODB_URI);
    expect(await mongo.db().command({ ping: 1 })).toMatchObject({ ok: 1 });
    await mongo.close();
    const stream = new StreamChat(env.STREAM_API_KEY, env.STREAM_API_SECRET, {
      baseURL: env.STREAM_BASE_URL,
    });
    await stream.upsertUsers([{ id: 'probe' }]);
    expect((await stream.queryUsers({ id: 'probe' })).users).toHaveLength(1);

    child.removeAllListeners('exit');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });
});
