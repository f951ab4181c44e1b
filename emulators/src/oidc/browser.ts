const MAX_HOPS = 10;

function cookieHeader(jar: Map<string, string>): Record<string, string> {
  if (jar.size === 0) return {};
  return { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') };
}

function keepCookies(jar: Map<string, string>, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';', 1)[0];
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    // oidc-provider clears a cookie by setting it empty (with an expiry in 1970).
    if (value === '') jar.delete(name);
    else jar.set(name, value);
  }
}

/**
 * What the end-user's browser does with an authorization URL of the OIDC emulator (or any provider that signs in
 * without a page): follows the provider's redirects, with its cookies, until it is sent to another origin, and
 * returns that URL (the client's redirect_uri with `code` and `state`, or with `error`). A fresh cookie jar per
 * call, like a private window. Rejects when the provider answers with a page instead of a redirect (for instance
 * a refused redirect_uri), quoting it.
 */
export async function followAuthorization(authorizationUrl: string | URL): Promise<URL> {
  const jar = new Map<string, string>();
  let url = new URL(authorizationUrl);
  const providerOrigin = url.origin;
  for (let hop = 0; hop < MAX_HOPS && url.origin === providerOrigin; hop++) {
    const response = await fetch(url, { redirect: 'manual', headers: cookieHeader(jar) });
    keepCookies(jar, response);
    const location = response.headers.get('location');
    const body = await response.text();
    if (!location) throw new Error(`${url.pathname} answered ${response.status} without a redirect: ${body}`);
    url = new URL(location, url);
  }
  if (url.origin === providerOrigin) throw new Error(`more than ${MAX_HOPS} redirects within the provider`);
  return url;
}
