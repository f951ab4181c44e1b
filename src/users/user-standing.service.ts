import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { syncConfig } from '../config/configuration';
import { activeBan, BanRecord, Role, Standing, StaffMember } from './standing';
import { withQueuedSync } from './sync-state';
import { UserCollection } from './user-collection';

/**
 * Where an account stands: its role and its ban. Every change is queued for the Stream mirror like a profile
 * change (accounts/ pushes it), so Stream sees the role and the ban even if it is down right now. Who may change
 * what is decided above (moderation/, the CLI).
 */
@Injectable()
export class UserStandingService {
  constructor(
    private readonly collection: UserCollection,
    @Inject(syncConfig.KEY) private readonly sync: ConfigType<typeof syncConfig>,
  ) {}

  private get users() {
    return this.collection.model;
  }

  /** The user's role and the ban in force (a timed ban past its end is none), or null when there is no such user. */
  async findStanding(id: string): Promise<Standing | null> {
    const user = await this.users.findById(id, { role: 1, ban: 1 }).lean().exec();
    return user ? { role: user.role ?? 'user', ban: activeBan(user.ban) } : null;
  }

  /** Sets the role; returns the one before (the same when nothing changed), or null when there is no such user. */
  async setRole(id: string, role: Role): Promise<Role | null> {
    // $ne also matches users stored before roles existed (no field: `user`).
    const before = await this.users
      .findOneAndUpdate({ _id: id, role: { $ne: role } }, withQueuedSync(this.sync.leaseMs, { role }), {
        projection: { role: 1 },
      })
      .lean()
      .exec();
    if (before) return before.role ?? 'user';
    return (await this.users.exists({ _id: id }).exec()) ? role : null;
  }

  /** Takes `role` away (back to `user`) if the user has exactly that role; false otherwise. */
  async revokeRole(id: string, role: Role): Promise<boolean> {
    const result = await this.users
      .updateOne({ _id: id, role }, withQueuedSync(this.sync.leaseMs, { role: 'user' }))
      .exec();
    return result.modifiedCount > 0;
  }

  /** The moderators and admins, by email. */
  async listStaff(): Promise<StaffMember[]> {
    const staff = await this.users
      .find({ role: { $in: ['moderator', 'admin'] } }, { email: 1, fullName: 1, role: 1 })
      .sort({ email: 1 })
      .lean()
      .exec();
    return staff.map((u) => ({ _id: u._id.toString(), email: u.email, fullName: u.fullName, role: u.role }));
  }

  /** Bans the user (replacing any earlier ban); false when there is no such user. */
  async recordBan(id: string, ban: BanRecord): Promise<boolean> {
    const result = await this.users
      .updateOne({ _id: id }, withQueuedSync(this.sync.leaseMs, { ban, banSyncPending: true }))
      .exec();
    return result.matchedCount > 0;
  }

  /** Lifts the ban in force; false when there is none (never banned, unbanned, or a timed ban already over). */
  async liftBan(id: string): Promise<boolean> {
    const result = await this.users
      .updateOne(
        { _id: id, ban: { $ne: null }, $or: [{ 'ban.until': null }, { 'ban.until': { $gt: new Date() } }] },
        { ...withQueuedSync(this.sync.leaseMs, { banSyncPending: true }), $unset: { ban: 1 } },
      )
      .exec();
    return result.modifiedCount > 0;
  }
}
