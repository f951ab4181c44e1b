import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { ApiProcess, newAccount, spawnApi, startTestBackends, TestBackends } from './harness';

/** A port nobody listens on now: APP_URL must name the page's origin before the app boots. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });

/** The test page and @simplewebauthn/browser's bundle, in a folder the app serves as its frontend. */
function pageFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'passkey-page-'));
  for (const file of ['index.html', 'passkeys.js'])
    copyFileSync(join(__dirname, 'passkey-page', file), join(dir, file));
  // Its package exports only the module entries, not the browser bundle.
  const bundle = join(__dirname, '..', 'node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js');
  copyFileSync(bundle, join(dir, 'simplewebauthn-browser.js'));
  return dir;
}

/** What test/passkey-page/passkeys.js puts on the page's window (the callbacks below run in the page). */
interface PagePasskeys {
  api: (method: string, path: string, body?: object) => Promise<unknown>;
  register: (name: string) => Promise<unknown>;
  signIn: () => Promise<unknown>;
}
type PageWindow = typeof globalThis & { passkeys: PagePasskeys };

type ApiAnswer = { status: number; body: { user?: { _id: string }; passkey?: { id: string } } | null };

/**
 * A real browser's WebAuthn stack: Debian's chromium, headless, with DevTools' virtual authenticator (a platform
 * authenticator holding discoverable credentials, verifying its user), on a page served from the API's origin
 * (http://localhost is a secure context; the RP id is `localhost`).
 */
describe('Passkeys in headless Chromium (DevTools virtual authenticator)', () => {
  let b: TestBackends;
  let api: ApiProcess;
  let origin: string;
  let page: Page;
  let context: BrowserContext;
  let cdp: CDPSession;
  let authenticatorId: string;
  const folders: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://localhost:${port}`;
    const frontend = pageFolder();
    const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
    folders.push(frontend, profile);
    // The built API, as an operator runs it: serve-static only serves FRONTEND_DIST under the real bootstrap.
    b = await startTestBackends();
    api = await spawnApi({ ...b.env, PORT: String(port), APP_URL: origin, FRONTEND_DIST: frontend });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    }));
    await page.goto(`${origin}/`);
  });
  afterAll(async () => {
    await context?.close();
    api?.child.kill('SIGKILL');
    await b?.close();
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  const inPage = {
    api: (method: string, path: string, body?: object) =>
      page.evaluate(([m, p, b]) => (globalThis as PageWindow).passkeys.api(m, p, b), [
        method,
        path,
        body,
      ] as const) as Promise<ApiAnswer>,
    register: (name: string) =>
      page.evaluate((n) => (globalThis as PageWindow).passkeys.register(n), name) as Promise<ApiAnswer>,
    signIn: () => page.evaluate(() => (globalThis as PageWindow).passkeys.signIn()) as Promise<ApiAnswer>,
  };

  it('registers a passkey for a signed-in user, then signs in with it and no password', async () => {
    const account = newAccount();
    const signup = await inPage.api('POST', '/auth/signup', account);
    expect(signup.status).toBe(201);
    const userId = signup.body!.user!._id;

    const registered = await inPage.register('Chromium');
    expect(registered).toMatchObject({
      status: 201,
      body: { passkey: { name: 'Chromium', lastUsedAt: null } },
    });
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
    const stored = await b.db.collection('passkeys').findOne({ user: new Types.ObjectId(userId) });
    expect(stored?.credentialId).toBe(
      Buffer.from(credentials[0].credentialId, 'base64').toString('base64url'),
    );

    expect((await inPage.api('POST', '/auth/logout')).status).toBe(200);
    expect((await inPage.api('GET', '/auth/me')).status).toBe(401);

    const signedIn = await inPage.signIn();
    expect(signedIn).toMatchObject({ status: 200, body: { success: true, user: { _id: userId } } });
    // The browser now holds the session cookie the sign-in set.
    expect(await inPage.api('GET', '/auth/me')).toMatchObject({
      status: 200,
      body: { user: { _id: userId } },
    });
    const after = await b.db.collection('passkeys').findOne({ user: new Types.ObjectId(userId) });
    const [used] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    expect(after?.counter).toBe(used.signCount);
    expect(after?.lastUsedAt).toEqual(expect.any(Date));
  });
});
