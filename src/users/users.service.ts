import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { authConfig } from '../config/configuration';
import { User } from './schemas/user.schema';
import { toUserView, UserView } from './user.view';

export interface NewAccount {
  email: string;
  passwordHash: string;
  fullName: string;
  profilePic: string;
}

export interface OnboardingProfile {
  fullName: string;
  bio: string;
  nativeLanguage: string;
  learningLanguage: string;
  location: string;
  profilePic?: string;
}

/** What an authenticated request needs to know about its user; cached briefly on the hot path. */
export interface SessionUser {
  id: string;
  chatTokensValidFrom: number;
}

export const isDuplicateKey = (error: unknown): boolean => (error as { code?: number })?.code === 11000;

/** Owns the `users` collection: every query on it lives here. */
@Injectable()
export class UsersService {
  private readonly sessions = new Map<string, { user: SessionUser | null; until: number }>();

  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
  ) {}

  async createAccount(account: NewAccount): Promise<UserView> {
    try {
      const created = await this.users.create({
        email: account.email,
        password: account.passwordHash,
        fullName: account.fullName,
        profilePic: account.profilePic,
      });
      return toUserView(created.toObject());
    } catch (error) {
      // The unique index decides, so concurrent signups with one email give exactly one account.
      if (isDuplicateKey(error))
        throw new ConflictException('Email already exists, please use a different one');
      throw error;
    }
  }

  /** The stored hash for a login attempt, or null when no account has this email. */
  async findCredentials(email: string): Promise<{ id: string; passwordHash: string } | null> {
    const user = await this.users.findOne({ email }, { password: 1 }).lean().exec();
    return user ? { id: user._id.toString(), passwordHash: user.password } : null;
  }

  async findPasswordHash(id: string): Promise<string | null> {
    const user = await this.users.findById(id, { password: 1 }).lean().exec();
    return user?.password ?? null;
  }

  async findOrFail(id: string): Promise<UserView> {
    const user = await this.users.findById(id).lean().exec();
    if (!user) throw new NotFoundException('User not found');
    return toUserView(user);
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
    };
    if (profile.profilePic !== undefined) set.profilePic = profile.profilePic;
    const user = await this.users
      .findByIdAndUpdate(id, { $set: set, $inc: { profileVersion: 1 } }, { returnDocument: 'after' })
      .lean()
      .exec();
    if (!user) throw new NotFoundException('User not found');
    return toUserView(user);
  }

  /**
   * The token hot path: a tiny projection, no hydration, cached for USER_EXISTS_CACHE_MS so a deleted user is
   * refused within that time (at once on this instance: deletion calls forgetSession).
   */
  async findSessionUser(id: string): Promise<SessionUser | null> {
    const now = Date.now();
    const cached = this.sessions.get(id);
    if (cached && cached.until > now) return cached.user;
    if (!Types.ObjectId.isValid(id)) return null;
    const doc = await this.users.findById(id, { _id: 1, chatTokensValidFrom: 1 }).lean().exec();
    const user = doc ? { id, chatTokensValidFrom: doc.chatTokensValidFrom ?? 0 } : null;
    if (this.auth.userExistsCacheMs > 0) {
      if (this.sessions.size >= 10_000) this.sessions.clear();
      this.sessions.set(id, { user, until: now + this.auth.userExistsCacheMs });
    }
    return user;
  }

  forgetSession(id: string): void {
    this.sessions.delete(id);
  }

  async setChatTokensValidFrom(id: string, seconds: number): Promise<void> {
    await this.users.updateOne({ _id: id }, { $set: { chatTokensValidFrom: seconds } }).exec();
    this.forgetSession(id);
  }
}
