import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { AccountDataOwner, OwnsAccountData } from '../accounts/account-data';
import { exportConfig } from '../config/configuration';
import { ExternalIdentitiesService } from '../external-identities/external-identities.service';
import { SecondFactorsService } from '../second-factors/second-factors.service';
import { SessionsService } from '../identity/sessions.service';
import { PasskeysService } from '../passkeys/passkeys.service';
import { StreamError } from '../stream/stream.errors';
import { StreamService } from '../stream/stream.service';
import { BlocksService } from '../users/blocks.service';
import { FriendRequestsService } from '../users/friend-requests.service';
import { isDuplicateKey } from '../common/mongo-errors';
import { TooManyRequestsException } from '../common/too-many-requests';
import { FriendsService } from '../users/friends.service';
import { UserStandingService } from '../users/user-standing.service';
import { UserSyncStateService } from '../users/user-sync-state.service';
import { UsersService } from '../users/users.service';
import { EmailVerificationsService } from '../verification/email-verifications.service';
import {
  DataExportResponse,
  FriendRequestsExport,
  StandingExport,
  StreamExport,
} from './dto/data-export.response';
import { DataExportSlot } from './schemas/data-export-slot.schema';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * GET /api/users/me/export: one JSON document with everything about me, in the app (each owner's own read) and in
 * Stream (its export task). Owns `dataexportslots`, behind the per-day limit.
 */
@Injectable()
@OwnsAccountData('dataexportslots')
export class DataExportService implements AccountDataOwner {
  private readonly logger = new Logger(DataExportService.name);

  constructor(
    @InjectModel(DataExportSlot.name) private readonly slots: Model<DataExportSlot>,
    @Inject(exportConfig.KEY) private readonly config: ConfigType<typeof exportConfig>,
    private readonly users: UsersService,
    private readonly friends: FriendsService,
    private readonly syncState: UserSyncStateService,
    private readonly standing: UserStandingService,
    private readonly requests: FriendRequestsService,
    private readonly blocks: BlocksService,
    private readonly sessions: SessionsService,
    private readonly identities: ExternalIdentitiesService,
    private readonly secondFactors: SecondFactorsService,
    private readonly passkeys: PasskeysService,
    private readonly verifications: EmailVerificationsService,
    private readonly stream: StreamService,
  ) {}

  /** Account deletion: the user's export slots go with it. */
  async discardAllOf(userId: string): Promise<void> {
    await this.slots.deleteMany({ user: new Types.ObjectId(userId) }).exec();
  }

  /** `currentSession` is marked as such among my sessions. */
  async exportMyData(me: string, currentSession: string): Promise<DataExportResponse> {
    await this.takeSlot(me);
    // The app's sections, each read by the collection's owner: a new collection about users is one line here.
    const [
      profile,
      friends,
      friendRequests,
      blocks,
      sessions,
      syncState,
      emailVerifications,
      identities,
      secondFactors,
      passkeys,
      standing,
    ] = await Promise.all([
      this.users.findOrFail(me),
      this.friends.findAllFriends(me),
      this.friendRequests(me),
      this.blocks.listMine(me),
      this.sessions.list(me, currentSession),
      this.syncState.findSyncState(me),
      this.verifications.listMine(me),
      this.identities.exportMine(me),
      this.secondFactors.listMine(me),
      this.passkeys.exportMine(me),
      this.standingSection(me),
    ]);
    const stream = await this.streamSection(me);
    this.logger.log(`user ${me} exported their data (Stream: ${stream.status})`);
    return {
      exportedAt: new Date(),
      profile,
      friends,
      friendRequests,
      blocks,
      sessions,
      emailVerifications,
      identities,
      secondFactors,
      passkeys,
      syncState,
      standing,
      stream,
    };
  }

  /**
   * At most EXPORT_DAILY_LIMIT per 24 h: each export takes one of the user's slots for a day. A slot is taken by
   * an upsert that matches it only when free; a busy one makes the upsert's insert hit the unique (user, slot)
   * index instead, so concurrent requests never share a slot.
   */
  private async takeSlot(me: string): Promise<void> {
    const user = new Types.ObjectId(me);
    const now = new Date();
    for (let slot = 0; slot < this.config.dailyLimit; slot++) {
      try {
        await this.slots
          .updateOne(
            { user, slot, expiresAt: { $lte: now } },
            { $set: { expiresAt: new Date(now.getTime() + DAY_MS) } },
            { upsert: true },
          )
          .exec();
        return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    throw new TooManyRequestsException(
      `Data export limit reached (${this.config.dailyLimit} per day)`,
      ((await this.firstSlotFreeAt(user)) - now.getTime()) / 1000,
    );
  }

  /** When the soonest of the user's slots frees up (ms since the epoch). */
  private async firstSlotFreeAt(user: Types.ObjectId): Promise<number> {
    const soonest = await this.slots.findOne({ user }, { expiresAt: 1 }).sort({ expiresAt: 1 }).lean().exec();
    return soonest?.expiresAt.getTime() ?? Date.now();
  }

  private async friendRequests(me: string): Promise<FriendRequestsExport> {
    const all = await this.requests.allInvolving(me);
    return { sent: all.filter((r) => r.sender === me), received: all.filter((r) => r.recipient === me) };
  }

  private async standingSection(me: string): Promise<StandingExport> {
    const standing = await this.standing.findStanding(me);
    const ban = standing?.ban;
    return {
      role: standing?.role ?? 'user',
      ban: ban ? { reason: ban.reason, bannedAt: ban.bannedAt, until: ban.until ?? null } : null,
    };
  }

  /** Stream's export, waited for EXPORT_STREAM_WAIT_MS; Stream failing never fails the app's part. */
  private async streamSection(me: string): Promise<StreamExport> {
    try {
      return await this.stream.exportUser(me, this.config.streamWaitMs);
    } catch (error) {
      if (!(error instanceof StreamError)) throw error;
      this.logger.warn(`user ${me}: Stream export failed: ${error.message}`);
      return {
        status: 'unavailable',
        reason: error.retryable
          ? 'Chat service temporarily unavailable; export again later for its part'
          : 'Chat service holds no data for this account',
      };
    }
  }
}
