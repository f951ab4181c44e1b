import type { CookieOptions, Request, Response } from 'express';
import type { AuthConfig, MfaConfig } from '../config/configuration';

/** The session cookie's name, as the seed's clients know it. */
export const AUTH_COOKIE = 'jwt';

// One definition of the session cookie, so setting and clearing it can never disagree (a mismatched path or
// flag would leave the cookie in place on logout).
const baseOptions = (config: AuthConfig): CookieOptions => ({
  httpOnly: true,
  sameSite: 'strict',
  secure: config.cookieSecure,
  path: '/',
});

export function setAuthCookie(res: Response, token: string, config: AuthConfig): void {
  res.cookie(AUTH_COOKIE, token, { ...baseOptions(config), maxAge: config.jwtExpiresInSeconds * 1000 });
}

export function clearAuthCookie(res: Response, config: AuthConfig): void {
  res.clearCookie(AUTH_COOKIE, baseOptions(config));
}

/**
 * A sign-in waiting for its second factor (docs/api.md, "Second factors"): its token, sent only to the routes
 * under /api/auth/mfa (the challenge), never accepted as a session.
 */
export const PENDING_SIGN_IN_COOKIE = 'mfa_pending';

const pendingOptions = (config: MfaConfig): CookieOptions => ({
  httpOnly: true,
  sameSite: 'strict',
  secure: config.cookieSecure,
  path: '/api/auth/mfa',
});

export function setPendingSignInCookie(res: Response, token: string, config: MfaConfig): void {
  res.cookie(PENDING_SIGN_IN_COOKIE, token, { ...pendingOptions(config), maxAge: config.challengeTtlMs });
}

export function clearPendingSignInCookie(res: Response, config: MfaConfig): void {
  res.clearCookie(PENDING_SIGN_IN_COOKIE, pendingOptions(config));
}

/** A cookie's value when the request carries it non-empty (cookie-parser has read them), else undefined. */
export function cookieValue(req: Request, name: string): string | undefined {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export const pendingSignInTokenOf = (req: Request): string | undefined =>
  cookieValue(req, PENDING_SIGN_IN_COOKIE);
