import { createHash } from 'node:crypto';

/** An end-user of the OIDC emulator, as the claims it puts in ID tokens and userinfo (OIDC Core 5.1 names). */
export interface OidcTestUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  picture?: string;
}

/**
 * A user to sign in: `sub` may be left out when `email` is given (it is then derived from the email); an email is
 * verified unless `email_verified: false`.
 */
export type OidcTestUserInput = Omit<OidcTestUser, 'sub'> & { sub?: string };

export const DEFAULT_TEST_USER: OidcTestUserInput = { email: 'oidc-user@lingo.test', name: 'OIDC Test User' };

// Deliberately loose: it only decides whether a login_hint names a user; the API validates what it receives.
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The same email always yields the same subject, in every emulator start. */
export function subForEmail(email: string): string {
  return `email-${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 24)}`;
}

/** Checks a user given in code or as JSON to the control endpoint; the error names the bad field. */
export function toTestUser(input: unknown): OidcTestUser {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError('a test user must be an object');
  }
  const fields = input as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!['sub', 'email', 'email_verified', 'name', 'picture'].includes(key)) {
      throw new TypeError(`unknown test user field "${key}"`);
    }
  }
  for (const key of ['sub', 'email', 'name', 'picture']) {
    if (fields[key] !== undefined && (typeof fields[key] !== 'string' || fields[key] === '')) {
      throw new TypeError(`${key} must be a non-empty string`);
    }
  }
  if (fields.email_verified !== undefined && typeof fields.email_verified !== 'boolean') {
    throw new TypeError('email_verified must be a boolean');
  }
  const user = fields as OidcTestUserInput;
  if (user.email !== undefined && !EMAIL.test(user.email))
    throw new TypeError('email must be an email address');
  const sub = user.sub ?? (user.email === undefined ? undefined : subForEmail(user.email));
  if (sub === undefined) throw new TypeError('a test user needs a sub or an email');
  return {
    ...user,
    sub,
    email_verified: user.email === undefined ? undefined : (user.email_verified ?? true),
  };
}

/**
 * Who signs in: the user set for the next sign-in if any (once), else the user a login_hint names (a configured
 * user with that email, or one derived from the email), else the first configured user. Every user that signed
 * in stays known, so its codes and tokens can still be redeemed.
 */
export class TestAccounts {
  private readonly bySub = new Map<string, OidcTestUser>();
  private next?: OidcTestUser;

  constructor(private readonly users: OidcTestUser[]) {
    if (users.length === 0) throw new TypeError('the OIDC emulator needs at least one test user');
    for (const user of users) this.bySub.set(user.sub, user);
  }

  setNextSignIn(user: OidcTestUser): void {
    this.next = user;
  }

  clearNextSignIn(): void {
    this.next = undefined;
  }

  /** Throws a TypeError when the hint is neither a configured user's email nor an email address. */
  signIn(loginHint: string | undefined): OidcTestUser {
    const user = this.next ?? (loginHint === undefined ? this.users[0] : this.forHint(loginHint));
    this.next = undefined;
    this.bySub.set(user.sub, user);
    return user;
  }

  find(sub: string): OidcTestUser | undefined {
    return this.bySub.get(sub);
  }

  private forHint(hint: string): OidcTestUser {
    const known = this.users.find((u) => u.email?.toLowerCase() === hint.toLowerCase());
    if (known) return known;
    if (!EMAIL.test(hint)) throw new TypeError('login_hint must be an email address');
    return { sub: subForEmail(hint), email: hint, email_verified: true, name: hint.split('@')[0] };
  }
}
