import { Injectable } from '@nestjs/common';
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

  async completeOnboarding(id: string, profile: OnboardingProfile): Promise<UserView> {
    const user = await this.users.completeOnboarding(id, profile);
    await this.sync.pushNow(id);
    return user;
  }

  /**
   * Stream refuses every chat token of this user issued until now (sign-out everywhere, a password change or
   * reset). Pushed like a profile change: if Stream is down, the worker delivers it later.
   */
  async revokeChatTokens(id: string): Promise<void> {
    await this.users.queueChatTokenRevocation(id, revocationCutOff());
    await this.sync.pushNow(id);
  }
}
