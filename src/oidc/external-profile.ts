import type { IDToken } from 'openid-client';

/** Who the provider says signed in: the verified ID token's claims the app uses, checked and bounded. */
export interface ExternalProfile {
  issuer: string;
  subject: string;
  /** Lower-cased; absent when the provider sent none or something that is no address. */
  email?: string;
  /** Only `email_verified: true` counts (some providers send the string "true"). */
  emailVerified: boolean;
  name?: string;
  /** An http(s) URL. */
  picture?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NAME_MAX = 80;
const URL_MAX = 2048;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

function httpUrl(value: unknown): string | undefined {
  const candidate = text(value);
  if (!candidate || candidate.length > URL_MAX) return undefined;
  try {
    const url = new URL(candidate);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The profile in an ID token: anything malformed is left out rather than trusted. */
export function toExternalProfile(claims: IDToken): ExternalProfile {
  const email = text(claims.email)?.toLowerCase();
  return {
    issuer: claims.iss,
    subject: claims.sub,
    email: email && email.length <= 254 && EMAIL.test(email) ? email : undefined,
    emailVerified: claims.email_verified === true || claims.email_verified === 'true',
    name: text(claims.name)?.slice(0, NAME_MAX),
    picture: httpUrl(claims.picture),
  };
}
