import {
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  SignJWT,
  UnsecuredJWT,
  type CryptoKey,
  type JWTPayload,
} from 'jose';

/** What is wrong with the ID token of the next token response (each one a check a relying party must make). */
export const ID_TOKEN_FAULTS = [
  'wrong-audience',
  'expired',
  'unsigned',
  'bad-signature',
  'wrong-issuer',
  'wrong-nonce',
] as const;
export type OidcIdTokenFault = (typeof ID_TOKEN_FAULTS)[number];

export function isIdTokenFault(value: unknown): value is OidcIdTokenFault {
  return ID_TOKEN_FAULTS.includes(value as OidcIdTokenFault);
}

/**
 * The provider's real ID token with exactly one thing wrong: the other claims and the header (alg, kid) are kept,
 * so a relying party that skips the one check accepts it.
 */
export async function breakIdToken(
  idToken: string,
  fault: OidcIdTokenFault,
  key: CryptoKey,
): Promise<string> {
  const claims = decodeJwt(idToken);
  const header = { ...decodeProtectedHeader(idToken), alg: 'RS256' };
  const sign = (payload: JWTPayload, signingKey = key): Promise<string> =>
    new SignJWT(payload).setProtectedHeader(header).sign(signingKey);
  const now = Math.floor(Date.now() / 1000);
  switch (fault) {
    case 'wrong-audience':
      return sign({ ...claims, aud: 'another-client' });
    case 'expired':
      // Well past any clock tolerance (openid-client allows 30 s by default).
      return sign({ ...claims, iat: now - 7200, exp: now - 3600 });
    case 'unsigned':
      return new UnsecuredJWT(claims).encode();
    case 'bad-signature':
      // Same kid as the real key, so the relying party verifies with the published key and the check fails.
      return sign(claims, (await generateKeyPair('RS256')).privateKey);
    case 'wrong-issuer':
      return sign({ ...claims, iss: 'https://issuer.invalid' });
    case 'wrong-nonce':
      return sign({ ...claims, nonce: 'not-the-nonce-that-was-sent' });
  }
}
