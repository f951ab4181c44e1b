import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { ExpiringCache } from '../common/expiring-cache';
import { OBJECT_ID_PATTERN } from '../common/object-id';
import { authConfig, usersConfig } from '../config/configuration';
import { deviceLabel } from './device-label';
import { AssuranceLevel, Session } from './schemas/session.schema';
import { SessionView } from './session.view';

export interface StartedSession {
  id: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Owns the `sessions` collection. */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);
  /** sid → owner (null: no live session). */
  private readonly cache: ExpiringCache<string | null>;

  constructor(
    @InjectModel(Session.name) private readonly sessions: Model<Session>,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
    @Inject(usersConfig.KEY) users: ConfigType<typeof usersConfig>,
  ) {
    this.cache = new ExpiringCache(users.existsCacheMs);
  }

  async start(userId: string, userAgent: string | undefined, aal: AssuranceLevel): Promise<StartedSession> {
    const now = new Date();
    // Whole seconds, as the JWT's iat and exp: the token and its session end at the same instant.
    const expiresAt = new Date((Math.floor(now.getTime() / 1000) + this.config.jwtExpiresInSeconds) * 1000);
    const session = await this.sessions.create({
      user: new Types.ObjectId(userId),
      createdAt: now,
      lastUsedAt: now,
      expiresAt,
      device: deviceLabel(userAgent),
      aal,
    });
    return { id: session._id.toString(), createdAt: now, expiresAt };
  }

  /**
   * The token hot path: whether `sid` is a live session of `userId`. Cached for USER_EXISTS_CACHE_MS, so a session
   * ended on another instance is refused here within that time (at once on this one: end and endAll drop it from
   * the cache). A lookup that reaches MongoDB also refreshes lastUsedAt when it is older than
   * SESSION_TOUCH_INTERVAL_SECONDS, so "last used" costs at most one write per session per interval.
   */
  async isActive(sid: string, userId: string): Promise<boolean> {
    const now = Date.now();
    const cached = this.cache.get(sid, now);
    if (cached !== undefined) return cached === userId;
    if (!OBJECT_ID_PATTERN.test(sid)) return false;
    const doc = await this.sessions.findById(sid, { user: 1, expiresAt: 1, lastUsedAt: 1 }).lean().exec();
    const owner = doc && doc.expiresAt.getTime() > now ? doc.user.toString() : null;
    this.cache.set(sid, owner, now);
    if (owner && doc && doc.lastUsedAt.getTime() <= now - this.config.sessionTouchIntervalMs) {
      void this.touch(sid, now);
    }
    return owner === userId;
  }

  /** Mine, newest first, the current one marked. */
  async list(userId: string, currentSid: string): Promise<SessionView[]> {
    const docs = await this.sessions
      .find({ user: new Types.ObjectId(userId), expiresAt: { $gt: new Date() } })
      .sort({ createdAt: -1 })
      .limit(this.config.sessionsListMax)
      .lean()
      .exec();
    return docs.map((s) => ({
      id: s._id.toString(),
      device: s.device,
      createdAt: s.createdAt.toISOString(),
      lastUsedAt: s.lastUsedAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
      current: s._id.toString() === currentSid,
      aal: s.aal ?? 'aal1',
    }));
  }

  /** A second factor passed in this live session of the user (its activation): the session is now aal2. */
  async raiseToAal2(userId: string, sid: string): Promise<void> {
    await this.sessions
      .updateOne({ _id: sid, user: new Types.ObjectId(userId) }, { $set: { aal: 'aal2' } })
      .exec();
  }

  /** Ends one of the user's sessions; false when the user has no such session (someone else's included). */
  async end(userId: string, sid: string): Promise<boolean> {
    const { deletedCount } = OBJECT_ID_PATTERN.test(sid)
      ? await this.sessions.deleteOne({ _id: sid, user: new Types.ObjectId(userId) }).exec()
      : { deletedCount: 0 };
    this.cache.delete(sid);
    return deletedCount > 0;
  }

  /** Ends every session of the user, except `keepSid` when given. Returns how many ended. */
  async endAll(userId: string, keepSid?: string): Promise<number> {
    const filter = keepSid
      ? { user: new Types.ObjectId(userId), _id: { $ne: new Types.ObjectId(keepSid) } }
      : { user: new Types.ObjectId(userId) };
    const { deletedCount } = await this.sessions.deleteMany(filter).exec();
    this.cache.deleteWhere((sid, owner) => owner === userId && sid !== keepSid);
    return deletedCount;
  }

  private async touch(sid: string, now: number): Promise<void> {
    const stale = new Date(now - this.config.sessionTouchIntervalMs);
    try {
      // The filter makes concurrent instances write once per interval between them.
      await this.sessions
        .updateOne({ _id: sid, lastUsedAt: { $lte: stale } }, { $set: { lastUsedAt: new Date(now) } })
        .exec();
    } catch (error) {
      this.logger.warn(`could not record use of session ${sid}: ${(error as Error).message}`);
    }
  }
}
