import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { AccountsService } from '../accounts/accounts.service';
import { SessionStartService } from '../accounts/session-start.service';
import { oidcConfig, verificationConfig } from '../config/configuration';
import { ExternalIdentitiesService } from '../external-identities/external-identities.service';
import type { Principal } from '../identity/principal';
import { SessionsService } from '../identity/sessions.service';
import type { ExternalProfile } from '../oidc/external-profile';
import { OidcError, OidcFailure } from '../oidc/oidc.errors';
import { OidcProviders } from '../oidc/oidc-providers.service';
import { providerLabel } from '../oidc/provider-label';
import { UsersService } from '../users/users.service';
import { OidcFlowRecord, OidcFlowsService } from './oidc-flows.service';
import { safeReturnTo, withParams } from './return-to';

/** What the app finds in `?error=` when a sign-in or a link failed (docs/api.md explains each). */
export type SignInErrorCode =
  | 'invalid_state'
  | 'access_denied'
  | 'provider_error'
  | 'provider_unavailable'
  | 'sign_in_refused'
  | 'email_required'
  | 'email_unverified'
  | 'account_exists'
  | 'identity_in_use'
  | 'verify_email_first'
  | 'account_suspended';

const FAILURE_CODES: Record<OidcFailure, SignInErrorCode> = {
  'unknown-provider': 'provider_unavailable',
  unavailable: 'provider_unavailable',
  'access-denied': 'access_denied',
  'provider-error': 'provider_error',
  refused: 'sign_in_refused',
};

/** A sign-in the rules refuse (no silent takeover of an account, an identity someone else holds...). */
class SignInRefused extends Error {
  constructor(
    readonly code: SignInErrorCode,
    reason: string,
  ) {
    super(reason);
  }
}

export interface SignInStart {
  provider: string;
  /** The callback URL of this provider, as the browser reaches the API. */
  redirectUri: string;
  returnTo?: string;
  /** The browser's flow cookie. */
  browserKey: string;
  /** Link mode: the signed-in user adding this provider to their account. */
  linkingUser?: Principal;
}

/**
 * Where the callback sends the browser, and the session it starts (a sign-in that succeeded) or, for a user with
 * a second factor, the pending sign-in the app finishes with POST /api/auth/mfa/challenge (`?mfa=required`).
 */
export interface SignInFinish {
  redirectTo: string;
  sessionToken?: string;
  pendingSignInToken?: string;
}

/**
 * Sign-in with an OpenID Connect provider, and linking one to my account. An identity already linked signs in to
 * its account. A new one makes a new account (no password, the provider's name and picture, mirrored into Stream),
 * unless an account has its email: it is then linked only when the provider verified the email AND the account's
 * owner verified it too; otherwise the user is told to sign in and link it (no silent takeover). Every failure at
 * the callback goes back to the app as `?error=<code>`: never a token, a code or the provider's text.
 */
@Injectable()
export class OidcSignInService {
  private readonly logger = new Logger(OidcSignInService.name);

  constructor(
    private readonly providers: OidcProviders,
    private readonly flows: OidcFlowsService,
    private readonly identities: ExternalIdentitiesService,
    private readonly users: UsersService,
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly sessionStart: SessionStartService,
    @Inject(oidcConfig.KEY) private readonly config: ConfigType<typeof oidcConfig>,
    @Inject(verificationConfig.KEY) private readonly verification: ConfigType<typeof verificationConfig>,
  ) {}

  /**
   * The provider's authorization URL for a new flow: 404 for an unknown provider, 400 for a returnTo outside the
   * app, 503 while the provider is not discovered.
   */
  async start(request: SignInStart): Promise<string> {
    const { provider } = request;
    this.assertKnown(provider);
    const returnTo = safeReturnTo(request.returnTo, this.config.appUrl);
    if (!returnTo) throw new BadRequestException('returnTo must be an address inside the app (APP_URL)');
    let authorization: Awaited<ReturnType<OidcProviders['authorizationRequest']>>;
    try {
      authorization = await this.providers.authorizationRequest(provider, request.redirectUri);
    } catch (error) {
      if (!(error instanceof OidcError)) throw error;
      throw new ServiceUnavailableException(
        `Sign-in with ${providerLabel(provider)} is unavailable right now; please try again later`,
      );
    }
    const linking = request.linkingUser;
    await this.flows.remember({
      provider,
      mode: linking ? 'link' : 'sign-in',
      linkingUser: linking && { id: linking.id, sessionId: linking.sessionId },
      pending: authorization.pending,
      redirectUri: request.redirectUri,
      returnTo,
      browserKey: request.browserKey,
    });
    return authorization.url.href;
  }

  /** The provider's callback: the flow its state names, then the code redeemed and the rules applied. */
  async finish(
    provider: string,
    query: URLSearchParams,
    browserKey: string | undefined,
    userAgent: string | undefined,
  ): Promise<SignInFinish> {
    this.assertKnown(provider);
    const state = query.get('state');
    const flow = state ? await this.flows.takeBack(state, browserKey) : null;
    if (!flow || flow.provider !== provider) {
      return this.failed(this.config.appUrl, provider, 'invalid_state', 'no live flow of this browser');
    }
    try {
      const callback = new URL(flow.redirectUri);
      callback.search = query.toString();
      const profile = await this.providers.redeem(provider, callback, flow.pending);
      return flow.linkingUser
        ? await this.link(flow, flow.linkingUser, profile)
        : await this.signIn(flow, profile, userAgent);
    } catch (error) {
      if (error instanceof OidcError) {
        return this.failed(flow.returnTo, provider, FAILURE_CODES[error.failure], error.message);
      }
      if (error instanceof SignInRefused)
        return this.failed(flow.returnTo, provider, error.code, error.message);
      throw error;
    }
  }

  private async signIn(
    flow: OidcFlowRecord,
    profile: ExternalProfile,
    userAgent: string | undefined,
  ): Promise<SignInFinish> {
    const userId =
      (await this.identities.signIn(profile.issuer, profile.subject)) ?? (await this.enrol(flow, profile));
    // As a password login: under REQUIRE_VERIFIED_EMAIL=login nobody gets a session before verifying (an account
    // a provider made is verified; one linked before the policy was switched on may not be).
    if (this.verification.requireVerifiedEmail === 'login' && !(await this.users.isEmailVerified(userId))) {
      throw new SignInRefused('verify_email_first', `user ${userId} has not verified their address`);
    }
    const start = await this.sessionStart.startSession(userId, userAgent);
    if (start.outcome === 'suspended') throw new SignInRefused('account_suspended', start.message);
    if (start.outcome === 'second-factor') {
      this.logger.log(`user ${userId} passed ${flow.provider}; the sign-in waits for a second factor`);
      const redirectTo = withParams(flow.returnTo, { mfa: 'required' });
      return { redirectTo, pendingSignInToken: start.pendingToken };
    }
    this.logger.log(`user ${userId} signed in with ${flow.provider}`);
    return { redirectTo: flow.returnTo, sessionToken: start.token };
  }

  /** A first sign-in with this identity: linked to the account with its email, or a new account. */
  private async enrol(flow: OidcFlowRecord, profile: ExternalProfile): Promise<string> {
    const { email } = profile;
    if (!email) throw new SignInRefused('email_required', 'the provider gave no email address');
    const identity = { provider: flow.provider, issuer: profile.issuer, subject: profile.subject, email };
    const existing = await this.users.findIdByEmail(email);
    if (existing) {
      // Both sides must have proved the address: otherwise whoever controls either could take the account.
      if (!profile.emailVerified || !(await this.users.isEmailVerified(existing))) {
        throw new SignInRefused(
          'account_exists',
          `an account has this email; linking needs both sides verified`,
        );
      }
      await this.linkOrRefuse(existing, identity);
      this.logger.log(`user ${existing}: ${flow.provider} identity linked by verified email`);
      return existing;
    }
    // An address nobody proved would let its first claimant hold the account its real owner later recovers.
    if (!profile.emailVerified) {
      throw new SignInRefused('email_unverified', 'the provider has not verified the email address');
    }
    let userId: string;
    try {
      const user = await this.accounts.createExternalAccount({
        email,
        fullName: profile.name ?? email.split('@')[0],
        profilePic: profile.picture,
      });
      userId = user._id;
    } catch (error) {
      // A signup with this email won the race: the same rule as above applies on the next try.
      if (error instanceof ConflictException)
        throw new SignInRefused('account_exists', 'signed up meanwhile');
      throw error;
    }
    await this.linkOrRefuse(userId, identity);
    this.logger.log(`user ${userId} created by a sign-in with ${flow.provider}`);
    return userId;
  }

  /** Link mode: the identity joins the account that started the flow, if that session is still live. */
  private async link(
    flow: OidcFlowRecord,
    user: { id: string; sessionId: string },
    profile: ExternalProfile,
  ): Promise<SignInFinish> {
    if (!(await this.sessions.isActive(user.sessionId, user.id))) {
      throw new SignInRefused('invalid_state', 'the session that started linking has ended');
    }
    await this.linkOrRefuse(user.id, {
      provider: flow.provider,
      issuer: profile.issuer,
      subject: profile.subject,
      email: profile.email,
    });
    return { redirectTo: withParams(flow.returnTo, { linked: flow.provider }) };
  }

  /** Links, or refuses with identity_in_use when someone else holds the identity (linked to me already: done). */
  private async linkOrRefuse(
    userId: string,
    identity: Parameters<ExternalIdentitiesService['link']>[1],
  ): Promise<void> {
    try {
      await this.identities.link(userId, identity);
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
      const owner = await this.identities.ownerOf(identity.issuer, identity.subject);
      if (owner !== userId) {
        throw new SignInRefused('identity_in_use', 'this identity is linked to another account');
      }
    }
  }

  private assertKnown(provider: string): void {
    if (!this.providers.has(provider)) throw new NotFoundException('No such sign-in provider');
  }

  private failed(target: string, provider: string, code: SignInErrorCode, reason: string): SignInFinish {
    this.logger.warn(`sign-in with ${provider} failed (${code}): ${reason}`);
    return { redirectTo: withParams(target, { error: code, provider }) };
  }
}
