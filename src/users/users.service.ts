import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { randomInt } from 'node:crypto';
import { ExpiringCache } from '../common/expiring-cache';
import { isDuplicateKey } from '../common/mongo-errors';
import { OBJECT_ID_PATTERN } from '../common/object-id';
import { syncConfig, usersConfig } from '../config/configuration';
import { PasswordHasher } from './password-hasher';
import { User } from './schemas/user.schema';
import { UserCollection } from './user-collection';
import { PUBLIC_PROFILE_FIELDS, PublicProfile, toPublicProfile, toUserView, UserView } from './user.view';

/** The 409 of an action that asks for the current password, on an account a provider made (it has none yet). */
export const NO_PASSWORD_YET =
  'This account has no password yet (it signs in with a provider): set one with the password reset flow ' +
  '(POST /api/auth/password/forgot)';

/** The seed's message for an address another account holds. */
export const EMAIL_TAKEN = 'Email already exists, please use a different one';

export interface NewAccount {
  email: string;
  password: string;
  fullName: string;
}

/** An account created by signing in with an OpenID Connect provider: no password, the provider's profile. */
export interface NewExternalAccount {
  email: string;
  fullName: string;
  /** The provider's picture; the default avatar when absent. */
  profilePic?: string;
}

/** A password login: the account, or why not (an account without a password is told how to get one). */
export type CredentialsCheck =
  | { outcome: 'signed-in'; user: UserView }
  | { outcome: 'invalid' }
  | { outcome: 'no-password'; userId: string };

/** A login's account, read once (UsersService.findLogin). */
export interface PendingLogin {
  passwordStamp: string;
  checkPassword(password: string): Promise<CredentialsCheck>;
}

/** A password asked again (a change of password, account deletion). */
export type PasswordCheck = 'matches' | 'wrong' | 'none-set';

export interface OnboardingProfile {
  fullName: string;
  bio: string;
  nativeLanguage: string;
  learningLanguage: string;
  location: string;
  profilePic?: string;
}

/** What the token hot path and the verified-email gate read of a user, cached together (one small read). */
interface AccessState {
  /** Seconds: chat tokens issued before were revoked. */
  cutOff: number;
  emailVerified: boolean;
  /** Milliseconds since the epoch until which the user is banned (Infinity: for good; 0: not banned). */
  bannedUntil: number;
}

/** What the chat-token route needs to know about a user. */
export type ChatAccess = Pick<AccessState, 'cutOff' | 'bannedUntil'>;

/** Who holds an address, and whether they proved it (the resend path, which answers the same either way). */
export interface EmailHolder {
  id: string;
  emailVerified: boolean;
}

/**
 * Accounts and profiles: creation, credentials, the email address and its verification, onboarding, deletion of
 * the document, and what the token route and the verified-email gate read (cached). (Friends, recommendations, the Stream sync state and legacy adoption have their own
 * services over the same collection.)
 */
@Injectable()
export class UsersService {
  /** user id → their chat-token cut-off and verified state (null: no such user). */
  private readonly access: ExpiringCache<AccessState | null>;

  constructor(
    private readonly collection: UserCollection,
    private readonly passwords: PasswordHasher,
    @Inject(syncConfig.KEY) private readonly sync: ConfigType<typeof syncConfig>,
    @Inject(usersConfig.KEY) private readonly config: ConfigType<typeof usersConfig>,
  ) {
    this.access = new ExpiringCache(config.existsCacheMs);
  }

  private get users() {
    return this.collection.model;
  }

  /** When the sync worker may pick up a change: the writer's own inline push (StreamSyncService) goes first. */
  private deferredSync(): Date {
    return new Date(Date.now() + this.sync.leaseMs);
  }

  async createAccount(account: NewAccount): Promise<UserView> {
    return this.insertAccount({
      email: account.email,
      password: await this.passwords.hash(account.password),
      fullName: account.fullName,
      profilePic: this.defaultAvatar(),
    });
  }

  /**
   * An account without a password: its owner signs in with a provider (and may set one by the reset flow). Its
   * email is verified: only an address the provider verified creates an account.
   */
  createExternalAccount(account: NewExternalAccount): Promise<UserView> {
    return this.insertAccount({
      email: account.email,
      emailVerifiedAt: new Date(),
      fullName: account.fullName,
      profilePic: account.profilePic ?? this.defaultAvatar(),
    });
  }

  private defaultAvatar(): string {
    return this.config.avatarUrlTemplate.replace('{n}', String(randomInt(1, 101)));
  }

  private async insertAccount(fields: Partial<User>): Promise<UserView> {
    try {
      const created = await this.users.create({ ...fields, syncNextAt: this.deferredSync() });
      return toUserView(created.toObject(), this.config.pageLimitMax);
    } catch (error) {
      // The unique index decides, so concurrent signups with one email give exactly one account.
      if (isDuplicateKey(error)) throw new ConflictException(EMAIL_TAKEN);
      throw error;
    }
  }

  /**
   * A login, its account read once: the password stamp the login limits key on (checked before any password),
   * then whether the password matches. The account and its hash come in one query, and an unknown email, a wrong
   * password and an account without one all cost the same bcrypt compare.
   */
  async findLogin(email: string): Promise<PendingLogin> {
    const user = await this.users.findOne({ email }).select('+password').lean().exec();
    return {
      // Changes whenever a password is set, so a reset lifts every lock of the account; the same for an unknown
      // address and an account that never changed its password.
      passwordStamp: String(user?.passwordChangedAt?.getTime() ?? 0),
      checkPassword: async (password) => {
        const matched = await this.passwords.matches(password, user?.password);
        if (!user) return { outcome: 'invalid' };
        if (matched) return { outcome: 'signed-in', user: toUserView(user, this.config.pageLimitMax) };
        return user.password
          ? { outcome: 'invalid' }
          : { outcome: 'no-password', userId: user._id.toString() };
      },
    };
  }

  /** Whether `password` is this user's (asked again before an action like account deletion), or none is set. */
  async checkPassword(id: string, password: string): Promise<PasswordCheck> {
    const user = await this.users.findById(id, { password: 1 }).lean().exec();
    if (await this.passwords.matches(password, user?.password)) return 'matches';
    return user && !user.password ? 'none-set' : 'wrong';
  }

  async hasPassword(id: string): Promise<boolean> {
    return (await this.users.exists({ _id: id, password: { $exists: true } }).exec()) !== null;
  }

  async findOrFail(id: string): Promise<UserView> {
    const user = await this.users.findById(id).lean().exec();
    if (!user) throw new NotFoundException('User not found');
    return toUserView(user, this.config.pageLimitMax);
  }

  /** What anyone may see of this user, or null when there is no such user. */
  async findPublicProfile(id: string): Promise<PublicProfile | null> {
    const user = await this.users.findById(id, PUBLIC_PROFILE_FIELDS).lean().exec();
    return user ? toPublicProfile(user) : null;
  }

  /** The public profiles of those of these users who exist, by id (ids are ObjectId strings). */
  async findPublicProfiles(ids: string[]): Promise<Map<string, PublicProfile>> {
    const users = await this.users
      .find({ _id: { $in: ids } }, PUBLIC_PROFILE_FIELDS)
      .lean()
      .exec();
    return new Map(users.map((u) => [u._id.toString(), toPublicProfile(u)]));
  }

  async exists(id: string): Promise<boolean> {
    return (await this.users.exists({ _id: id }).exec()) !== null;
  }

  /** Sets exactly the onboarding fields (never email, password, friends...) and queues a Stream sync. */
  async completeOnboarding(id: string, profile: OnboardingProfile): Promise<UserView> {
    const set: Partial<User> = {
      fullName: profile.fullName,
      bio: profile.bio,
      nativeLanguage: profile.nativeLanguage,
      learningLanguage: profile.learningLanguage,
      location: profile.location,
      isOnboarded: true,
      syncPending: true,
      syncNextAt: this.deferredSync(),
    };
    if (profile.profilePic !== undefined) set.profilePic = profile.profilePic;
    const user = await this.users
      .findByIdAndUpdate(id, { $set: set, $inc: { profileVersion: 1 } }, { returnDocument: 'after' })
      .lean()
      .exec();
    if (!user) throw new NotFoundException('User not found');
    return toUserView(user, this.config.pageLimitMax);
  }

  /**
   * The token hot path: since when (seconds) this user's chat tokens are valid and until when they are banned, or
   * null when there is no such user. A tiny projection, cached for USER_EXISTS_CACHE_MS (dropped at once on this
   * instance by every write of the cut-off, of the verified state and by deletion; a ban also ends the user's
   * sessions, which the guard sees first).
   */
  async findChatAccess(id: string): Promise<ChatAccess | null> {
    const state = await this.accessState(id);
    return state && { cutOff: state.cutOff, bannedUntil: state.bannedUntil };
  }

  /** Whether the user proved their address (the verified-email gate): the same cached read as the cut-off. */
  async isEmailVerified(id: string): Promise<boolean> {
    return (await this.accessState(id))?.emailVerified ?? false;
  }

  private async accessState(id: string): Promise<AccessState | null> {
    const now = Date.now();
    const cached = this.access.get(id, now);
    if (cached !== undefined) return cached;
    if (!OBJECT_ID_PATTERN.test(id)) return null;
    const doc = await this.users
      .findById(id, { _id: 1, chatTokensValidFrom: 1, emailVerifiedAt: 1, ban: 1 })
      .lean()
      .exec();
    const state = doc
      ? {
          cutOff: doc.chatTokensValidFrom ?? 0,
          emailVerified: doc.emailVerifiedAt instanceof Date,
          bannedUntil: doc.ban ? (doc.ban.until?.getTime() ?? Infinity) : 0,
        }
      : null;
    this.access.set(id, state, now);
    return state;
  }

  /**
   * Stream must refuse this user's chat tokens issued before `seconds`: recorded here and queued for the Stream
   * mirror like a profile change, so it reaches Stream even if Stream is down right now.
   */
  async queueChatTokenRevocation(id: string, seconds: number): Promise<void> {
    await this.users
      .updateOne(
        { _id: id },
        {
          $set: { chatTokensValidFrom: seconds, syncPending: true, syncNextAt: this.deferredSync() },
          $inc: { profileVersion: 1 },
        },
      )
      .exec();
    this.access.delete(id);
  }

  /** The account with this email, if any: its id only. */
  async findIdByEmail(email: string): Promise<string | null> {
    const user = await this.users.findOne({ email }, { _id: 1 }).lean().exec();
    return user ? user._id.toString() : null;
  }

  /** Who holds this address, if anyone. */
  async findEmailHolder(email: string): Promise<EmailHolder | null> {
    const user = await this.users.findOne({ email }, { _id: 1, emailVerifiedAt: 1 }).lean().exec();
    return user ? { id: user._id.toString(), emailVerified: user.emailVerifiedAt instanceof Date } : null;
  }

  /**
   * Records that the user proved they receive mail at `address`: only while it is still their address (a link
   * for an address they have left proves nothing). False when it is not.
   */
  async markEmailVerified(id: string, address: string): Promise<boolean> {
    const { matchedCount } = await this.users
      .updateOne({ _id: id, email: address }, { $set: { emailVerifiedAt: new Date() } })
      .exec();
    this.access.delete(id);
    return matchedCount > 0;
  }

  /**
   * Moves the account to a confirmed address (verified by that confirmation) and queues a Stream sync, like any
   * profile change. The old address, or null when there is no such user; 409 when the address is taken (the
   * unique index decides, so two accounts racing for one address cannot both get it).
   */
  async changeEmail(id: string, email: string): Promise<string | null> {
    try {
      const before = await this.users
        .findByIdAndUpdate(
          id,
          {
            $set: { email, emailVerifiedAt: new Date(), syncPending: true, syncNextAt: this.deferredSync() },
            $inc: { profileVersion: 1 },
          },
          { returnDocument: 'before', projection: { email: 1 } },
        )
        .lean()
        .exec();
      this.access.delete(id);
      return before ? before.email : null;
    } catch (error) {
      if (isDuplicateKey(error)) throw new ConflictException(EMAIL_TAKEN);
      throw error;
    }
  }

  async setPassword(id: string, password: string): Promise<void> {
    const hash = await this.passwords.hash(password);
    await this.users
      .updateOne({ _id: id }, { $set: { password: hash, passwordChangedAt: new Date() } })
      .exec();
  }

  /** Which of these ids have an app user (ids are ObjectId strings; the caller validates them). */
  async findExistingIds(ids: string[]): Promise<Set<string>> {
    const found = await this.users
      .find({ _id: { $in: ids } }, { _id: 1 })
      .lean()
      .exec();
    return new Set(found.map((u) => u._id.toString()));
  }

  /** Account deletion's last step. */
  async deleteUserDocument(id: string): Promise<boolean> {
    const result = await this.users.deleteOne({ _id: id }).exec();
    this.access.delete(id);
    return result.deletedCount > 0;
  }
}
