import { Injectable, Logger } from '@nestjs/common';
import { revocationCutOff } from '../stream/stream.service';
import { UserView } from '../users/user.view';
import { NewAccount, NewExternalAccount, OnboardingProfile, UsersService } from '../users/users.service';
import { StreamSyncService } from './stream-sync.service';

/**
 * The profile writes Stream must see, each followed by its push: callers cannot forget the mirror. (A push that
 * fails leaves the user pending; the worker retries.)
 */
@Injectable()
export class AccountsService {
  private readonly logger = new Logger(AccountsService.name);

  constructor(
    private readonly users: UsersService,
    private readonly sync: StreamSyncService,
  ) {}

  async createAccount(account: NewAccount): Promise<UserView> {
    const user = await this.users.createAccount(account);
    await this.sync.pushNow(user._id);
    return user;
  }

  /** An account created by signing in with a provider: no password, the provider's name and picture. */
  async createExternalAccount(account: NewExternalAccount): Promise<UserView> {
    const user = await this.users.createExternalAccount(account);
    await this.sync.pushNow(user._id);
    return user;
  }

  /**
   * As createAccount, but answers before Stream does: the push runs after (the worker retries it if it fails), so
   * the reply's timing says nothing about Stream. For a signup whose reply must not tell a new address from a
   * registered one.
   */
  async createAccountPushingLater(account: NewAccount): Promise<UserView> {
    const user = await this.users.createAccount(account);
    void this.sync.pushNow(user._id).catch((error: Error) => {
      this.logger.warn(
        `user ${user._id}: Stream push after signup failed (${error.message}); the worker retries`,
      );
    });
    return user;
  }

  /**
   * Moves the account to a confirmed address (409 if taken). The mirror sends Stream no email, but the change goes
   * through it like any profile write (a new version, pushed), so whatever Stream is given of a user later is never
   * older than this. Returns the old address (null: no such user).
   */
  async changeEmail(id: string, email: string): Promise<string | null> {
    const old = await this.users.changeEmail(id, email);
    if (old !== null) await this.sync.pushNow(id);
    return old;
  }

  async completeOnboarding(id: string, profile: OnboardingProfile): Promise<UserView> {
    const user = await this.users.completeOnboarding(id, profile);
    await this.sync.pushNow(id);
    return user;
  }

  /**
   * Stream refuses every chat token of this user issued until now (sign-out everywhere, a password change or
   * reset, POST /api/chats/token/revoke). Pushed like a profile change: if Stream is down, the worker delivers it
   * later. Returns the cut-off (seconds): tokens issued before it are refused.
   */
  async revokeChatTokens(id: string): Promise<number> {
    const cutOff = revocationCutOff();
    await this.users.queueChatTokenRevocation(id, cutOff);
    await this.sync.pushNow(id);
    return cutOff;
  }
}
