import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  Logger,
  UnauthorizedException,
} from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { AccountsService } from '../accounts/accounts.service';
import { waitInWords } from '../common/too-many-requests';
import { mailConfig, verificationConfig } from '../config/configuration';
import { AttemptLimiter } from '../identity/attempt-limiter';
import type { Principal } from '../identity/principal';
import { SessionsService } from '../identity/sessions.service';
import { MailService, OutgoingMail } from '../mail/mail.service';
import { UserView } from '../users/user.view';
import { EMAIL_TAKEN, NO_PASSWORD_YET, UsersService } from '../users/users.service';
import {
  CodeOwner,
  EmailVerificationsService,
  IssuedVerification,
  SpentVerification,
} from '../verification/email-verifications.service';
import { ChangeEmailDto, VerifyEmailDto } from './dto/email.dto';
import {
  alreadyRegisteredMail,
  appLink,
  Confirmation,
  confirmNewAddressMail,
  emailChangedMail,
  verifyAddressMail,
} from './mails';
import { PasswordResetService } from './password-reset.service';

/** One answer for every link or code that does not work: expired, used, replaced, wrong, or nobody's. */
const INVALID = 'This code or link is wrong, used, replaced by a newer one or expired; ask for a new one';

/**
 * The account's email address: proving it (a mailed code and link, at signup and on request) and changing it (a
 * confirmation at the new address, a notice at the old one). Tokens and codes exist in clear only in the mail;
 * logs name users by id.
 */
@Injectable()
export class EmailAddressService {
  private readonly logger = new Logger(EmailAddressService.name);

  constructor(
    private readonly users: UsersService,
    private readonly accounts: AccountsService,
    private readonly verifications: EmailVerificationsService,
    private readonly limiter: AttemptLimiter,
    private readonly sessions: SessionsService,
    private readonly resets: PasswordResetService,
    private readonly mail: MailService,
    @Inject(verificationConfig.KEY) private readonly config: ConfigType<typeof verificationConfig>,
    @Inject(mailConfig.KEY) private readonly mailer: ConfigType<typeof mailConfig>,
  ) {}

  /**
   * A new account's code and link, unless its address had its share of mails this window. Never throws: the
   * account exists either way, and a new code is one request away.
   */
  async startVerification(user: UserView): Promise<void> {
    try {
      if (!(await this.limiter.takeVerificationMail(user.email))) return;
      const issued = await this.verifications.issue(user._id, 'verify', user.email);
      this.send(verifyAddressMail(user.email, this.confirmation(issued)), `verification of user ${user._id}`);
    } catch (error) {
      this.logger.error(`verification of user ${user._id} not started: ${(error as Error).message}`);
    }
  }

  /**
   * Someone tried to take an address that has an account (signup, or an email change, while the reply must not
   * say so): its holder is told instead. Never throws, and costs about what startVerification does (a counted
   * mail, a database round trip or two).
   */
  async noticeRegisteredAddress(address: string): Promise<void> {
    try {
      if (await this.limiter.takeVerificationMail(address)) await this.noticeHolder(address);
    } catch (error) {
      this.logger.error(`registered-address notice not sent: ${(error as Error).message}`);
    }
  }

  /** The notice itself, with a fresh confirmation when the holder never confirmed the address. */
  private async noticeHolder(address: string): Promise<void> {
    const holder = await this.users.findEmailHolder(address);
    if (!holder) return;
    const issued = holder.emailVerified
      ? undefined
      : await this.verifications.issue(holder.id, 'verify', address);
    const mail = alreadyRegisteredMail(address, this.mailer.appUrl, issued && this.confirmation(issued));
    this.send(mail, `registered-address notice to user ${holder.id}`);
  }

  /**
   * A new code and link (replacing the earlier ones). Signed in: to my address. Not signed in (the way back for a
   * user REQUIRE_VERIFIED_EMAIL=login keeps out): to `address`, answering before it is even looked up, so the
   * reply and its timing are the same whether or not it has an account, verified or not. Returns the reply.
   */
  async resend(me: Principal | undefined, address: string | undefined): Promise<string> {
    if (me) {
      await this.resendToMe(me, address);
      return 'A new code and link are on their way to your address';
    }
    if (address === undefined) throw new BadRequestException('Send the email address to verify, or sign in');
    await this.limiter.assertVerificationMailAllowed(address);
    void this.resendIfUnverified(address);
    return 'If this address has an account still to verify, a new code and link are on their way';
  }

  private async resendToMe(me: Principal, address: string | undefined): Promise<void> {
    const user = await this.users.findOrFail(me.id);
    if (address !== undefined && address !== user.email) {
      throw new BadRequestException('This is not your address; to change it, use PUT /api/auth/email');
    }
    if (user.emailVerified) throw new ConflictException('Your email address is already verified');
    await this.limiter.assertVerificationMailAllowed(user.email, me.id);
    const issued = await this.verifications.issue(me.id, 'verify', user.email);
    this.send(verifyAddressMail(user.email, this.confirmation(issued)), `verification of user ${me.id}`);
  }

  private async resendIfUnverified(address: string): Promise<void> {
    try {
      const holder = await this.users.findEmailHolder(address);
      if (!holder || holder.emailVerified) return;
      const issued = await this.verifications.issue(holder.id, 'verify', address);
      this.send(verifyAddressMail(address, this.confirmation(issued)), `verification of user ${holder.id}`);
    } catch (error) {
      this.logger.error(`verification resend failed: ${(error as Error).message}`);
    }
  }

  /**
   * Starts moving my account to `dto.email`: a code and link to the new address; nothing changes until one is
   * used. An address another account holds is refused at once (409) unless REQUIRE_VERIFIED_EMAIL=login, where the
   * reply must not tell registered addresses apart: its holder gets a notice instead.
   */
  async requestChange(me: Principal, dto: ChangeEmailDto): Promise<void> {
    const check = await this.users.checkPassword(me.id, dto.password);
    if (check === 'none-set')
      throw new ConflictException(`${NO_PASSWORD_YET}, then change the address with it`);
    if (check === 'wrong') throw new UnauthorizedException('Invalid password');
    const user = await this.users.findOrFail(me.id);
    if (dto.email === user.email) throw new BadRequestException('This is already your email address');
    const taken = (await this.users.findEmailHolder(dto.email)) !== null;
    if (taken && this.config.requireVerifiedEmail !== 'login') throw new ConflictException(EMAIL_TAKEN);
    // Counted alike either way, so the count cannot tell a registered address either.
    await this.limiter.assertVerificationMailAllowed(dto.email, me.id);
    if (taken) return this.noticeHolder(dto.email);
    const issued = await this.verifications.issue(me.id, 'change', dto.email);
    this.send(confirmNewAddressMail(dto.email, this.confirmation(issued)), `email change of user ${me.id}`);
  }

  /**
   * Spends a link's token or a code and applies what it confirms: the address is verified, or the account moves
   * to its new address. `me` (if signed in) is whose code it is without `email`, and the session an email change
   * keeps. Returns what happened, in words.
   */
  async confirm(dto: VerifyEmailDto, me: Principal | undefined): Promise<string> {
    const spent = await this.spend(dto, me);
    if (!spent) throw new BadRequestException(INVALID);
    if (spent.purpose === 'change') {
      await this.applyChange(spent, me);
      return 'Email address changed and verified; your other sessions were signed out';
    }
    // Only while it is still the account's address: a link to an address left since proves nothing.
    if (!(await this.users.markEmailVerified(spent.userId, spent.address)))
      throw new BadRequestException(INVALID);
    this.logger.log(`user ${spent.userId} verified their email address`);
    return 'Email address verified';
  }

  private spend(dto: VerifyEmailDto, me: Principal | undefined): Promise<SpentVerification | null> {
    if ((dto.token === undefined) === (dto.code === undefined)) {
      throw new BadRequestException('Send either the token of the link or the code');
    }
    if (dto.token !== undefined) {
      if (dto.email !== undefined) throw new BadRequestException('email goes with a code, not with a token');
      return this.verifications.spendToken(dto.token);
    }
    const owner: CodeOwner | undefined = dto.email ? { address: dto.email } : me && { userId: me.id };
    if (!owner) throw new BadRequestException('Send the email address the code was sent to, or sign in');
    return this.verifications.spendCode(owner, dto.code as string);
  }

  /**
   * The new address, if still free (409 otherwise: the unique index decides), verified by this confirmation and
   * pushed through the Stream mirror; then every other session ends with the chat tokens issued so far, as for a
   * password change, and the old address is told.
   */
  private async applyChange(spent: SpentVerification, me: Principal | undefined): Promise<void> {
    const oldAddress = await this.accounts.changeEmail(spent.userId, spent.address);
    if (oldAddress === null) throw new BadRequestException(INVALID);
    // Links and codes sent to the old address prove nothing about the new one; a reset link there would hand the
    // account back to whoever reads the old mailbox (often the reason to move).
    await this.verifications.discardAll(spent.userId);
    await this.resets.discardAllOf(spent.userId);
    await this.sessions.endAll(spent.userId, me?.id === spent.userId ? me.sessionId : undefined);
    await this.accounts.revokeChatTokens(spent.userId);
    this.logger.log(`user ${spent.userId} changed their email address; other sessions ended`);
    this.send(
      emailChangedMail(oldAddress, spent.address, this.mailer.appUrl),
      `email-change notice to user ${spent.userId}`,
    );
  }

  private confirmation(issued: IssuedVerification): Confirmation {
    return {
      code: issued.code,
      link: appLink(this.mailer.appUrl, 'verify-email', issued.token),
      validFor: waitInWords(this.config.ttlMs / 1000),
    };
  }

  /** Mail goes out after the reply: a slow relay never holds a request, and a failure is logged (by user id). */
  private send(mail: OutgoingMail, what: string): void {
    this.mail.send(mail).then(
      () => this.logger.log(`${what}: mailed`),
      (error: Error) => this.logger.error(`${what}: mail failed: ${error.message}`),
    );
  }
}
