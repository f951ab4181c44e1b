import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { createTransport } from 'nodemailer';
import { followAuthorization, subForEmail } from 'offline-emulators';
import * as oidc from 'openid-client';
import { StreamChat } from 'stream-chat';

// `npm run emulators` (built by npm test's build step): the env lines it prints must point at working servers.
describe('npm run emulators', () => {
  it('prints MONGODB_URI, STREAM_*, SMTP_URL and OIDC_* lines that real clients can use, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(__dirname, '..', 'emulators', 'dist', 'cli.js')], {
      env: {
        PATH: process.env.PATH,
        MONGO_EMULATOR_PORT: '0',
        STREAM_EMULATOR_PORT: '0',
        SMTP_EMULATOR_PORT: '0',
        SMTP_EMULATOR_HTTP_PORT: '0',
        OIDC_EMULATOR_PORT: '0',
        OIDC_EMULATOR_EMAIL: 'cli@lingo.test',
        OIDC_EMULATOR_NAME: 'Cli User',
      },
    });
    let out = '';
    const env: Record<string, string> = {};
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        for (const [, name, value] of out.matchAll(/^([A-Z_]+)=(\S+)$/gm)) env[name] = value;
        if (env.OIDC_LOCAL_CLIENT_SECRET) resolve();
      });
    });
    expect(Object.keys(env).sort()).toEqual([
      'MONGODB_URI',
      'OIDC_LOCAL_CLIENT_ID',
      'OIDC_LOCAL_CLIENT_SECRET',
      'OIDC_LOCAL_ISSUER',
      'OIDC_PROVIDERS',
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
    expect(env.OIDC_PROVIDERS).toBe('local');
    const provider = await oidc.discovery(
      new URL(env.OIDC_LOCAL_ISSUER),
      env.OIDC_LOCAL_CLIENT_ID,
      env.OIDC_LOCAL_CLIENT_SECRET,
      undefined,
      { execute: [oidc.allowInsecureRequests] },
    );
    const verifier = oidc.randomPKCECodeVerifier();
    const signIn = oidc.buildAuthorizationUrl(provider, {
      redirect_uri: 'http://127.0.0.1:5000/callback',
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const tokens = await oidc.authorizationCodeGrant(provider, await followAuthorization(signIn), {
      pkceCodeVerifier: verifier,
    });
    expect(tokens.claims()).toMatchObject({ sub: subForEmail('cli@lingo.test'), name: 'Cli User' });

    child.removeAllListeners('exit');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });
});
