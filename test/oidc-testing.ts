import type { AddressInfo } from 'node:net';
import { followAuthorization, type OidcProviderEmulator } from 'offline-emulators';
import { createTestApp, eventually, type TestApp } from './harness';

/**
 * The app with `op` as its sign-in provider `local` (plus `env`), listening on a free port (the provider sends
 * the browser back to it over real HTTP), once `local` is discovered.
 */
export async function createOidcTestApp(
  op: OidcProviderEmulator,
  env: Record<string, string> = {},
): Promise<{ t: TestApp; base: string }> {
  const t = await createTestApp({
    OIDC_PROVIDERS: 'local',
    OIDC_LOCAL_ISSUER: op.issuer,
    OIDC_LOCAL_CLIENT_ID: op.clientId,
    OIDC_LOCAL_CLIENT_SECRET: op.clientSecret,
    ...env,
  });
  await t.app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  await eventually(async () => {
    const res = await t.http().get('/api/health/ready');
    return (res.body as ReadyBody).info?.oidc?.providers?.local?.discovered === true;
  });
  return { t, base };
}

interface ReadyBody {
  info?: { oidc?: { providers?: Record<string, { discovered: boolean }> } };
}

/**
 * The end-user's browser, as far as the API sees it: one cookie jar (paths and expiry aside), redirects followed
 * by hand so each hop can be checked. Its requests go over real HTTP to an app that listens.
 */
export class TestBrowser {
  readonly jar = new Map<string, string>();

  constructor(private readonly base: string) {}

  /** A request to the API (a path under `base`, or a full URL), with the jar's cookies; keeps what it sets. */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = typeof url === 'string' && url.startsWith('/') ? `${this.base}${url}` : url;
    const headers = new Headers(init.headers);
    if (this.jar.size > 0) {
      headers.set('cookie', [...this.jar].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const res = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (value === '' || expired) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }

  /** The `jwt=...` pair, for supertest. */
  sessionCookie(): string {
    const jwt = this.jar.get('jwt');
    if (!jwt) throw new Error('the browser holds no session cookie');
    return `jwt=${jwt}`;
  }

  /**
   * Clicks "Sign in with <provider>": the API's 302 to the provider, the provider's own redirects (a fresh
   * provider session each time), and the callback. Returns each hop.
   */
  async signIn(startPath: string): Promise<SignInHops> {
    return this.finishAt(await this.start(startPath));
  }

  /** The API's answer to a start: the provider's URL it redirects to (the flow cookie kept). */
  async start(startPath: string): Promise<URL> {
    const start = await this.fetch(startPath);
    const toProvider = start.headers.get('location');
    if (start.status !== 302 || !toProvider) {
      throw new Error(`the start answered ${start.status}: ${await start.text()}`);
    }
    return new URL(toProvider);
  }

  /** From the provider's URL (given by a start or a link) through the provider to the API's callback. */
  async finishAt(providerUrl: URL): Promise<SignInHops> {
    const callback = await followAuthorization(providerUrl);
    const done = await this.fetch(callback);
    return { providerUrl, callback, done, location: new URL(done.headers.get('location') ?? 'about:blank') };
  }
}

export interface SignInHops {
  /** The provider's authorization URL the API redirected to. */
  providerUrl: URL;
  /** Where the provider sent the browser back (the API's callback, with code and state). */
  callback: URL;
  /** The callback's answer. */
  done: Response;
  /** Where the callback sent the browser. */
  location: URL;
}
