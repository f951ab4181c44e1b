/** Why a passkey ceremony was refused. */
export type PasskeyRefusal =
  | 'challenge'
  | 'origin'
  | 'user-verification'
  | 'counter'
  | 'unknown-credential'
  | 'wrong-account'
  | 'invalid';

/** What the client is told for each refusal: never a challenge, a key or the values compared. */
export const REFUSAL_MESSAGES: Record<PasskeyRefusal, string> = {
  challenge: 'This passkey request has expired or was already used: start again',
  origin: 'This passkey response was made for another site',
  'user-verification': 'The authenticator did not verify the user (PIN or biometrics are required)',
  counter: "This passkey's signature counter went backwards: the authenticator may have been cloned",
  'unknown-credential': 'This passkey is not registered here',
  'wrong-account': 'This passkey does not belong to this account',
  invalid: 'Invalid passkey response',
};

/** A ceremony refused; `refusal` says which check failed (the flows turn it into a 400 or a 401). */
export class PasskeyRefused extends Error {
  constructor(readonly refusal: PasskeyRefusal) {
    super(REFUSAL_MESSAGES[refusal]);
    this.name = 'PasskeyRefused';
  }
}

/** Which check a @simplewebauthn/server error reports, from its wording (the library has no error codes). */
export function refusalOf(error: unknown): PasskeyRefusal {
  const message = error instanceof Error ? error.message : '';
  if (/challenge/i.test(message)) return 'challenge';
  if (/origin|RP ID/i.test(message)) return 'origin';
  if (/user verification|user not present/i.test(message)) return 'user-verification';
  if (/counter/i.test(message)) return 'counter';
  return 'invalid';
}
