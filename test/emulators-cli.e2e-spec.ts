import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { createTransport } from 'nodemailer';
import { StreamChat } from 'stream-chat';

// `npm run emulators` (built by npm test's build step): the env lines it prints must point at working servers.
describe('npm run emulators', () => {
  it('prints MONGODB_URI, STREAM_* and SMTP_URL lines that real clients can use, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(__dirname, '..', 'emulators', 'dist', 'cli.js')], {
      env: {
        PATH: process.env.PATH,
        MONGO_EMULATOR_PORT: '0',
        STREAM_EMULATOR_PORT: '0',
        SMTP_EMULATOR_PORT: '0',
        SMTP_EMULATOR_HTTP_PORT: '0',
      },
    });
    let out = '';
    const env: Record<string, string> = {};
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        for (const [, name, value] of out.matchAll(/^([A-Z_]+)=(\S+)$/gm)) env[name] = value;
        if (env.SMTP_URL) resolve();
      });
    });
    expect(Object.keys(env).sort()).toEqual([
      'MONGODB_URI',
      'SMTP_URL',
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
    await createTransport(env.SMTP_URL).sendMail({ from: 'a@lingo.test', to: 'b@lingo.test', text: 'hi' });
    const mailUrl = /^# Mail .*: (http\S+)$/m.exec(out)?.[1] ?? '';
    const mail = (await (await fetch(mailUrl)).json()) as { to: string[]; text: string }[];
    expect(mail).toMatchObject([{ to: ['b@lingo.test'], text: expect.stringContaining('hi') }]);

    child.removeAllListeners('exit');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });
});
