import type { CookieOptions, Response } from 'express';
import type { AuthConfig } from '../config/configuration';

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
