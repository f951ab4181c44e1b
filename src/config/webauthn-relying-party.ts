/** A WebAuthn relying party id: a lowercase host name (`example.com`, `localhost`), no scheme, port or path. */
export const RP_ID =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** The RP id passkeys are bound to: WEBAUTHN_RP_ID, else APP_URL's host name. */
export const relyingPartyId = (appUrl: string, rpId: string | undefined): string =>
  rpId ?? new URL(appUrl).hostname;

/**
 * A browser creates and uses passkeys only for an RP id that is the page's host or a suffix of it (WebAuthn
 * §5.1.3): any other pairing would start the API with every passkey ceremony bound to fail.
 */
export function relyingPartyProblems(appUrl: string, rpId: string | undefined, known: string[]): string[] {
  if (known.some((p) => p.startsWith('APP_URL:') || p.startsWith('WEBAUTHN_RP_ID:'))) return [];
  const host = new URL(appUrl).hostname;
  const id = relyingPartyId(appUrl, rpId);
  if (host === id || host.endsWith(`.${id}`)) return [];
  return ["WEBAUTHN_RP_ID: must be APP_URL's host name or a domain it belongs to"];
}
