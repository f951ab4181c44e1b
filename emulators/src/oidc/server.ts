import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { Provider } from 'oidc-provider';
import { DEFAULT_TEST_USER, TestAccounts, toTestUser, type OidcTestUserInput } from './accounts';
import { breakIdToken, isIdTokenFault, type OidcIdTokenFault } from './id-token-faults';
import { createProvider, type OidcClient } from './provider';

export interface StartOidcProviderOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Confidential clients; default one: client id `lingo-local` with a random secret. */
  clients?: OidcClient[];
  /** Test users; the first signs in when neither login_hint nor setNextSignIn says otherwise. */
  users?: OidcTestUserInput[];
}

export interface OidcProviderEmulator {
  /** Issuer identifier (`http://host:port`): discovery at `${issuer}/.well-known/openid-configuration`. */
  readonly issuer: string;
  readonly port: number;
  /** The first client's credentials. */
  readonly clientId: string;
  readonly clientSecret: string;
  /** Base of the HTTP control endpoints (`${issuer}/_emulator`). */
  readonly controlUrl: string;
  /** The next sign-in (only that one) is this user, whatever login_hint says. */
  setNextSignIn(user: OidcTestUserInput): void;
  /** The next successful token response carries an ID token with this fault; the rest of it is unchanged. */
  failNextIdToken(fault: OidcIdTokenFault): void;
  /** Forgets a pending next sign-in and ID token fault. */
  reset(): void;
  close(): Promise<void>;
}

const MAX_CONTROL_BODY_BYTES = 64 * 1024;
const INTERACTION_PATH = /^\/interaction\/[^/]+$/;

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_CONTROL_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_CONTROL_BODY_BYTES) return reject(new TypeError('request body is too large'));
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch {
        reject(new TypeError('request body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/**
 * No single sign-on: every authorization request signs in anew, so login_hint and setNextSignIn always decide who
 * it is; with its session cookie a browser would otherwise be signed in as the previous user again.
 */
function withoutSessionCookie(req: http.IncomingMessage): void {
  const cookies = req.headers.cookie?.split(';').filter((c) => !/^\s*_session(\.sig)?=/.test(c));
  req.headers.cookie = cookies?.join(';');
}

/**
 * Starts a real OpenID Provider (see index.ts for its endpoints) with a fresh RS256 signing key: discovery, JWKS,
 * authorization (code + PKCE S256), token, userinfo. The authorization request signs a test user in and grants
 * consent without a page, so following the redirects (followAuthorization) ends at the client's redirect_uri with
 * `code` and `state`.
 */
export async function startOidcProvider(opts: StartOidcProviderOptions = {}): Promise<OidcProviderEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const clients = opts.clients ?? [
    { clientId: 'lingo-local', clientSecret: randomBytes(24).toString('base64url') },
  ];
  if (clients.length === 0) throw new TypeError('the OIDC emulator needs at least one client');
  const accounts = new TestAccounts((opts.users ?? [DEFAULT_TEST_USER]).map(toTestUser));
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const signingKey = { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' };
  let pendingFault: OidcIdTokenFault | undefined;

  const failNextIdToken = (fault: unknown): void => {
    if (!isIdTokenFault(fault)) throw new TypeError(`unknown ID token fault ${JSON.stringify(fault)}`);
    pendingFault = fault;
  };
  const reset = (): void => {
    accounts.clearNextSignIn();
    pendingFault = undefined;
  };

  const control = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    path: string,
  ): Promise<void> => {
    if (req.method !== 'POST')
      return sendJson(res, 405, { error: `${req.method} is not supported: use POST` });
    try {
      const body = await readJson(req);
      if (path === '/_emulator/next-sign-in') accounts.setNextSignIn(toTestUser(body));
      else if (path === '/_emulator/id-token-fault')
        failNextIdToken((body as { fault?: unknown } | null)?.fault);
      else if (path === '/_emulator/reset') reset();
      else return sendJson(res, 404, { error: 'POST /_emulator/next-sign-in, /id-token-fault or /reset' });
      res.writeHead(204).end();
    } catch (e) {
      sendJson(res, 400, { error: (e as Error).message });
    }
  };

  // The interaction "page": signs the chosen user in and grants the requested scopes in one step.
  const signIn = async (
    oidc: Provider,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> => {
    try {
      const { params } = await oidc.interactionDetails(req, res);
      let accountId: string;
      try {
        accountId = accounts.signIn(params.login_hint as string | undefined).sub;
      } catch (e) {
        const result = { error: 'invalid_request', error_description: (e as Error).message };
        return await oidc.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
      }
      const grant = new oidc.Grant({ accountId, clientId: params.client_id as string });
      grant.addOIDCScope(params.scope as string);
      const grantId = await grant.save();
      const result = { login: { accountId, remember: false }, consent: { grantId } };
      await oidc.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    } catch (e) {
      // oidc-provider's errors (an expired or cookie-less interaction) carry their status and OAuth error code.
      const error = e as { statusCode?: number; error?: string; error_description?: string };
      if (!error.statusCode) console.error(`oidc emulator: ${(e as Error).stack}`);
      sendJson(res, error.statusCode ?? 500, {
        error: error.error ?? 'server_error',
        error_description: error.error_description,
      });
    }
  };

  // The issuer names the port, known only once listening: the provider is made then, before any request is read.
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const publicHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const issuer = `http://${publicHost}:${port}`;
  const provider = createProvider({
    issuer,
    signingKey,
    cookieKey: randomBytes(32).toString('base64url'),
    clients,
    accounts,
    async replaceIdToken(idToken) {
      const fault = pendingFault;
      pendingFault = undefined;
      return fault ? breakIdToken(idToken, fault, privateKey) : idToken;
    },
  });
  const handleProvider = provider.callback();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path.startsWith('/_emulator/')) return void control(req, res, path);
    if (INTERACTION_PATH.test(path)) return void signIn(provider, req, res);
    if (path === '/auth' || path.startsWith('/auth/')) withoutSessionCookie(req);
    void handleProvider(req, res);
  });

  return {
    issuer,
    port,
    clientId: clients[0].clientId,
    clientSecret: clients[0].clientSecret,
    controlUrl: `${issuer}/_emulator`,
    setNextSignIn: (user) => accounts.setNextSignIn(toTestUser(user)),
    failNextIdToken,
    reset,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
