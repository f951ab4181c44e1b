// The HTTP side of a flow: the cookie that binds it to a browser, the callback URI, the redirect.
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { OidcConfig } from '../config/configuration';
import { cookieValue } from '../identity/auth-cookie';

/**
 * Binds a pending sign-in to the browser that started it (RFC 9700: a callback from any other browser, such as
 * a victim lured to an attacker's callback URL, is refused). SameSite=Lax, not Strict like the session cookie:
 * the provider sends the browser back with a cross-site navigation, which Strict cookies do not follow.
 */
export const FLOW_COOKIE = 'oidc_flow';
const FLOW_COOKIE_PATH = '/api/auth/oidc';
const KEY = /^[\w-]{43}$/;

/** This browser's flow key, if it has a well-formed one. */
export function browserKeyOf(req: Request): string | undefined {
  const key = cookieValue(req, FLOW_COOKIE);
  return key !== undefined && KEY.test(key) ? key : undefined;
}

/** The browser's key, kept across flows (several tabs may sign in at once), or a new one. */
export const browserKeyFor = (req: Request): string =>
  browserKeyOf(req) ?? randomBytes(32).toString('base64url');

/** (Re)sets the flow cookie for as long as a flow lives; only the callback path receives it. */
export function setFlowCookie(res: Response, key: string, config: OidcConfig): void {
  res.cookie(FLOW_COOKIE, key, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.cookieSecure,
    path: FLOW_COOKIE_PATH,
    maxAge: config.flowTtlMs,
  });
}

/** The provider's redirect_uri: under API_PUBLIC_URL when set, else the origin this request reached. */
export function callbackUri(req: Request, provider: string, config: OidcConfig): string {
  const base = config.publicApiUrl?.replace(/\/+$/, '') ?? `${req.protocol}://${req.get('host')}`;
  return `${base}/api/auth/oidc/${provider}/callback`;
}

/** A redirect with no body: the Location alone, never cached (Express would echo the URL in a body). */
export function redirect(res: Response, location: string): void {
  res.status(302).setHeader('Location', location).setHeader('Cache-Control', 'no-store').end();
}
