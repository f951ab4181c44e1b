import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  UnauthorizedException,
} from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { AccountsService } from '../accounts/accounts.service';
import { SessionStarted, SessionStartService } from '../accounts/session-start.service';
import type { FactorKind } from '../second-factors/second-factor.view';
import { authConfig, verificationConfig } from '../config/configuration';
import { ExternalIdentitiesService } from '../external-identities/external-identities.service';
import { providerLabel } from '../oidc/provider-label';
import { LOGINS } from '../metrics/metrics';
import { UserView } from '../users/user.view';
import { NO_PASSWORD_YET, UsersService } from '../users/users.service';
import { AttemptLimiter } from '../identity/attempt-limiter';
import { LoginDto } from './dto/login.dto';
import { OnboardingDto } from './dto/onboarding.dto';
import { ChangePasswordDto, ResetPasswordDto } from './dto/password.dto';
import { SignupDto } from './dto/signup.dto';
import type { Principal } from '../identity/principal';
import { PasswordResetService } from './password-reset.service';
import { SessionsService } from '../identity/sessions.service';
import { EmailAddressService } from './email-address.service';

/** A user just signed in: their account and the new session's JWT. */
export interface SignedIn {
  kind: 'signed-in';
  user: UserView;
  token: string;
}

/** The first factor passed; the sign-in waits for the second (its token goes in the `mfa_pending` cookie). */
export interface SecondFactorRequired {
  kind: 'second-factor';
  pendingToken: string;
  factors: FactorKind[];
}

export type SignInOutcome = SignedIn | SecondFactorRequired;

/**
 * How a signup ended: signed in, or (REQUIRE_VERIFIED_EMAIL=login) nothing to tell but "check your inbox", the
 * same for a new address and a registered one.
 */
export type SignupOutcome = SignInOutcome | { kind: 'verify-first' };

const VERIFY_BEFORE_SIGN_IN =
  'Please verify your email address before signing in: use the code or link we mailed you ' +
  '(a new one: POST /api/auth/email/verification with your email)';

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly accounts: AccountsService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly resets: PasswordResetService,
    private readonly limiter: AttemptLimiter,
    private readonly sessionStart: SessionStartService,
    private readonly emails: EmailAddressService,
    private readonly identities: ExternalIdentitiesService,
    @Inject(authConfig.KEY) config: ConfigType<typeof authConfig>,
    @Inject(verificationConfig.KEY) private readonly verification: ConfigType<typeof verificationConfig>,
    @InjectMetric(LOGINS) private readonly logins: Counter,
  ) {
    if (config.jwtSecretGenerated) {
      this.logger.warn('JWT_SECRET_KEY is unset: using a random secret, sessions end on restart');
    }
  }

  /**
   * Creates the account and mails its code and link. Under REQUIRE_VERIFIED_EMAIL=login nobody is signed in until
   * the address is verified, and the reply (status, body, timing) is the same for a registered address, whose
   * holder is mailed a notice instead: signup no longer tells who is registered. Otherwise the seed's behaviour:
   * signed in at once, 409 for a registered address.
   */
  async signup(dto: SignupDto, userAgent: string | undefined): Promise<SignupOutcome> {
    if (this.verification.requireVerifiedEmail === 'login') {
      await this.signupVerifyingFirst(dto);
      return { kind: 'verify-first' };
    }
    const user = await this.accounts.createAccount(dto);
    await this.emails.startVerification(user);
    return this.startSession(user, userAgent);
  }

  /** Both ways cost a bcrypt hash, an insert and a mail counted: no Stream call is waited for. */
  private async signupVerifyingFirst(dto: SignupDto): Promise<void> {
    let user: UserView;
    try {
      user = await this.accounts.createAccountPushingLater(dto);
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
      return this.emails.noticeRegisteredAddress(dto.email);
    }
    await this.emails.startVerification(user);
  }

  /** `client`: the caller's address (req.ip), which the per-account limit counts failures by. */
  async login(dto: LoginDto, userAgent: string | undefined, client: string): Promise<SignInOutcome> {
    const login = await this.users.findLogin(dto.email);
    const attempt = { email: dto.email, client, passwordStamp: login.passwordStamp };
    await this.limiter.assertLoginAllowed(attempt);
    const check = await login.checkPassword(dto.password);
    if (check.outcome !== 'signed-in') {
      this.logins.inc({ outcome: 'invalid_credentials' });
      // An account made by a provider is told how to get a password, except where the answers must not tell
      // registered addresses apart (REQUIRE_VERIFIED_EMAIL=login): there it is one more wrong password.
      if (check.outcome === 'no-password' && this.verification.requireVerifiedEmail !== 'login') {
        throw new UnauthorizedException(await this.noPassword(check.userId));
      }
      await this.limiter.recordLoginFailure(attempt);
      throw new UnauthorizedException('Invalid email or password');
    }
    const { user } = check;
    // Only to whoever knows the password: an unknown address and a wrong password stay one 401.
    if (this.verification.requireVerifiedEmail === 'login' && !user.emailVerified) {
      this.logins.inc({ outcome: 'unverified_email' });
      throw new ForbiddenException(VERIFY_BEFORE_SIGN_IN);
    }
    const outcome = await this.startSession(user, userAgent);
    this.logins.inc({ outcome: outcome.kind === 'signed-in' ? 'success' : 'second_factor_required' });
    return outcome;
  }

  /** The last step of a password sign-in (see SessionStartService). */
  private async startSession(user: UserView, userAgent: string | undefined): Promise<SignInOutcome> {
    const start = await this.sessionStart.startSession(user._id, userAgent);
    if (start.outcome === 'second-factor') return { kind: 'second-factor', ...start };
    return { kind: 'signed-in', user, token: this.startedToken(start) };
  }

  /** The token of a session that started; a banned account gets a 403 (any sign-in, a second factor's too). */
  startedToken(start: SessionStarted): string {
    if (start.outcome === 'started') return start.token;
    this.logins.inc({ outcome: 'suspended' });
    throw new ForbiddenException(start.message);
  }

  /**
   * Why an account without a password cannot log in with one, and how to get one. (It tells whoever tries that
   * the account exists, as the signup's 409 does under the default policy.)
   */
  private async noPassword(userId: string): Promise<string> {
    const providers = (await this.identities.providersOf(userId)).map(providerLabel);
    const via = providers.length > 0 ? providers.join(' or ') : 'a sign-in provider';
    return `This account signs in with ${via}; to use a password, set one with the password reset flow`;
  }

  onboard(userId: string, dto: OnboardingDto): Promise<UserView> {
    return this.accounts.completeOnboarding(userId, dto);
  }

  /** Ends this session (a request without a live one has nothing to end). */
  async logout(me: Principal | undefined): Promise<void> {
    if (me) await this.sessions.end(me.id, me.sessionId);
  }

  /** Ends every session of mine, this one included, and the chat tokens they were given. */
  async logoutEverywhere(me: Principal): Promise<void> {
    await this.sessions.endAll(me.id);
    await this.accounts.revokeChatTokens(me.id);
  }

  /** Keeps this session; every other one ends, with every chat token issued so far. */
  async changePassword(me: Principal, dto: ChangePasswordDto): Promise<void> {
    const check = await this.users.checkPassword(me.id, dto.currentPassword);
    if (check === 'none-set') throw new ConflictException(NO_PASSWORD_YET);
    if (check === 'wrong') throw new UnauthorizedException('Invalid password');
    await this.users.setPassword(me.id, dto.newPassword);
    await this.sessions.endAll(me.id, me.sessionId);
    await this.accounts.revokeChatTokens(me.id);
    this.logger.log(`user ${me.id} changed their password; other sessions ended`);
  }

  /**
   * Answers before the account is even looked up, so the reply and its timing are the same whether or not the
   * email has an account; the lookup and the mail happen after.
   */
  async requestPasswordReset(email: string): Promise<void> {
    await this.limiter.assertResetMailAllowed(email);
    void this.mailResetLink(email);
  }

  /** Sets the password of the token's user and ends all their sessions; the token works once. */
  async resetPassword(dto: ResetPasswordDto): Promise<void> {
    const userId = await this.resets.consume(dto.token);
    if (!userId) throw new BadRequestException('This reset link is invalid or has expired');
    await this.users.setPassword(userId, dto.newPassword);
    await this.sessions.endAll(userId);
    await this.accounts.revokeChatTokens(userId);
    this.logger.log(`user ${userId} reset their password; every session ended`);
  }

  private async mailResetLink(email: string): Promise<void> {
    try {
      const userId = await this.users.findIdByEmail(email);
      if (!userId) return;
      await this.resets.sendLink(userId, email);
      this.logger.log(`password reset link mailed to user ${userId}`);
    } catch (error) {
      this.logger.error(`password reset mail failed: ${(error as Error).message}`);
    }
  }
}
