// oidc-provider and jose are ESM-only. tsc (module commonjs) compiles these imports to require(), which Node loads
// natively from 20.19 on (require(esm): neither package uses top-level await), so emulators/dist runs as it is;
// jest's own module loader cannot, so jest.config.js has ts-jest compile these packages to CommonJS.
import type { JWK } from 'jose';
import { Provider, type KoaContextWithOIDC } from 'oidc-provider';
import type { TestAccounts } from './accounts';
import { memoryAdapter } from './memory-adapter';

/** A confidential client: it authenticates at the token endpoint with client_secret_basic or client_secret_post. */
export interface OidcClient {
  clientId: string;
  clientSecret: string;
}

export interface ProviderParts {
  issuer: string;
  /** Private RS256 JWK (with kid) that signs ID tokens; its public half is served at /jwks. */
  signingKey: JWK;
  cookieKey: string;
  clients: OidcClient[];
  accounts: TestAccounts;
  /** Sees the ID token of each successful token response and returns what is sent instead. */
  replaceIdToken(idToken: string): Promise<string>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Tests run the API on random ports: any http(s) URI on a loopback host is accepted, nothing else. */
export function isLoopbackRedirectUri(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    LOOPBACK_HOSTS.has(url.hostname) &&
    url.username === '' &&
    url.password === '' &&
    url.hash === ''
  );
}

/** Bodies of successful token responses are objects until Koa serializes them after the middleware stack. */
function tokenResponse(ctx: KoaContextWithOIDC): { id_token?: unknown } | undefined {
  const body: unknown = ctx.body;
  const isToken =
    (ctx.oidc as KoaContextWithOIDC['oidc'] | undefined)?.route === 'token' && ctx.status === 200;
  return isToken && typeof body === 'object' && body !== null ? body : undefined;
}

/**
 * A real OpenID Provider (panva's oidc-provider, OpenID Certified) configured as a sign-in provider like Google's:
 * authorization code flow only, PKCE (S256) required, scopes openid/email/profile whose claims also go into the
 * ID token, RS256 ID tokens, confidential clients. Consent is granted with the sign-in (see server.ts).
 */
export function createProvider(parts: ProviderParts): Provider {
  const provider = new Provider(parts.issuer, {
    adapter: memoryAdapter(),
    clients: parts.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      // Registered for form's sake: redirectUriAllowed below accepts any loopback URI instead.
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    allowOmittingSingleRegisteredRedirectUri: false,
    scopes: ['openid', 'email', 'profile'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'picture'] },
    // As Google's: the scope's claims are in the ID token too, not only at the userinfo endpoint.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    jwks: { keys: [parts.signingKey] },
    cookies: { keys: [parts.cookieKey] },
    findAccount(_ctx, sub) {
      const user = parts.accounts.find(sub);
      return user && { accountId: sub, claims: () => ({ ...user }) };
    },
    // Errors that cannot go back to the client (unknown client, refused redirect_uri) as JSON, not an HTML page.
    renderError(ctx, out) {
      ctx.type = 'json';
      ctx.body = out;
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 600,
      Grant: 600,
    },
  });

  provider.Client.prototype.redirectUriAllowed = isLoopbackRedirectUri;

  provider.use(async (ctx: KoaContextWithOIDC, next) => {
    await next();
    const body = tokenResponse(ctx);
    if (typeof body?.id_token === 'string') body.id_token = await parts.replaceIdToken(body.id_token);
  });
  // A stand-in fails loudly: a 500 of the provider is a bug here or a misuse worth seeing in the test output.
  provider.on('server_error', (_ctx, error) =>
    console.error(`oidc emulator: ${error.stack ?? error.message}`),
  );
  return provider;
}
