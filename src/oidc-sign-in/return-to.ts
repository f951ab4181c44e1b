/** Longer than any page of the app needs to be. */
const RETURN_TO_MAX = 2048;
// Backslashes (read as slashes by browsers), whitespace and control characters (stripped by URL parsers) are
// how a path gets turned into another host: none has a place in an address to come back to.
const SUSPICIOUS = /[\\\s\p{Cc}]/u;

/**
 * Where to send the browser after a sign-in: `returnTo` (absolute, or relative to APP_URL) when it stays inside
 * APP_URL (same origin, same path prefix), APP_URL itself when none is given, null when it would leave the app
 * (`//evil.example`, `https://app.example.com.evil`, `/\evil.example`...).
 */
export function safeReturnTo(returnTo: string | undefined, appUrl: string): string | null {
  const app = new URL(appUrl);
  if (returnTo === undefined || returnTo === '') return app.href;
  if (returnTo.length > RETURN_TO_MAX || SUSPICIOUS.test(returnTo)) return null;
  let url: URL;
  try {
    url = new URL(returnTo, app);
  } catch {
    return null;
  }
  if (url.origin !== app.origin || url.username !== '' || url.password !== '') return null;
  const prefix = app.pathname.endsWith('/') ? app.pathname : `${app.pathname}/`;
  if (url.pathname !== app.pathname && !url.pathname.startsWith(prefix)) return null;
  return url.href;
}

/** `target` with these query parameters added (the outcome of a sign-in the app reads). */
export function withParams(target: string, params: Record<string, string>): string {
  const url = new URL(target);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}
