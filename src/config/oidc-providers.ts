/** One OpenID Connect provider users may sign in with, as OIDC_<NAME>_* configures it. */
export interface OidcProviderSettings {
  /** As listed in OIDC_PROVIDERS and used in URLs (`/api/auth/oidc/<name>`). */
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  /** An http issuer: validation allows it only on a loopback host (nothing on the network can reach it). */
  insecure: boolean;
}

export const OIDC_DEFAULT_SCOPES = 'openid email profile';
export const OIDC_PROVIDER_NAME = /^[a-z][a-z0-9_]{0,31}$/;
const SCOPES = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/; // RFC 6749 scope-token, space-separated
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** An http URL on this host only: traffic to it never leaves the machine, so it needs no TLS (the local stand-ins). */
export const isLoopbackHttp = (url: URL): boolean => url.protocol === 'http:' && LOOPBACK.test(url.hostname);

/** The environment variable holding one setting of a provider: `OIDC_GOOGLE_CLIENT_ID`. */
export const oidcVariable = (name: string, setting: 'ISSUER' | 'CLIENT_ID' | 'CLIENT_SECRET' | 'SCOPES') =>
  `OIDC_${name.toUpperCase()}_${setting}`;

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/** Whether the issuer is a URL openid-client may discover; http only on a loopback host. */
function issuerProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an https URL';
  }
  if (url.username || url.password || url.search || url.hash) {
    return 'must be an https URL without credentials, query or fragment';
  }
  if (url.protocol === 'https:') return undefined;
  if (isLoopbackHttp(url)) return undefined;
  return 'must be an https URL (http only on a loopback host)';
}

/**
 * The providers OIDC_PROVIDERS lists, each from its OIDC_<NAME>_ISSUER, _CLIENT_ID, _CLIENT_SECRET and optional
 * _SCOPES. Their names vary with the list, so the static EnvironmentVariables class cannot declare them; this
 * parser does the same job: problems name each bad variable, never its value.
 */
export function parseOidcProviders(
  list: string,
  raw: Record<string, unknown>,
): { providers: OidcProviderSettings[]; problems: string[] } {
  const names = list
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const problems: string[] = [];
  if (names.some((n) => !OIDC_PROVIDER_NAME.test(n))) {
    problems.push(
      'OIDC_PROVIDERS: each name must be 1 to 32 lowercase letters, digits or _, starting with a letter',
    );
  }
  if (new Set(names).size !== names.length) problems.push('OIDC_PROVIDERS: lists a provider twice');
  if (problems.length > 0) return { providers: [], problems };

  const providers = names.map((name): OidcProviderSettings => {
    const issuer = text(raw[oidcVariable(name, 'ISSUER')]);
    const clientId = text(raw[oidcVariable(name, 'CLIENT_ID')]);
    const clientSecret = text(raw[oidcVariable(name, 'CLIENT_SECRET')]);
    const scopes = text(raw[oidcVariable(name, 'SCOPES')]) || OIDC_DEFAULT_SCOPES;
    const issuerIssue = issuer === '' ? 'is required' : issuerProblem(issuer);
    if (issuerIssue) problems.push(`${oidcVariable(name, 'ISSUER')}: ${issuerIssue}`);
    if (clientId === '') problems.push(`${oidcVariable(name, 'CLIENT_ID')}: is required`);
    if (clientSecret === '') problems.push(`${oidcVariable(name, 'CLIENT_SECRET')}: is required`);
    if (!SCOPES.test(scopes) || !scopes.split(' ').includes('openid')) {
      problems.push(`${oidcVariable(name, 'SCOPES')}: must be space-separated scopes, openid among them`);
    }
    return { name, issuer, clientId, clientSecret, scopes, insecure: /^http:/i.test(issuer) };
  });
  return { providers: problems.length > 0 ? [] : providers, problems };
}
