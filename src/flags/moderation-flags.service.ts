import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { decodePosition, newestFirstAfter, newestFirstPage, Page } from '../common/page-cursor';
import { ModerationFlag, ModerationFlagKind } from './schemas/moderation-flag.schema';

export type NewModerationFlag = Omit<
  ModerationFlag,
  'createdAt' | 'resolvedAt' | 'resolvedBy' | 'resolutionNote'
>;

/** A stored flag, as its owner reads it. */
export type FlagRecord = ModerationFlag & { _id: Types.ObjectId };

export interface FlagFilter {
  status?: 'open' | 'resolved';
  targetUserId?: string;
  kind?: ModerationFlagKind;
}

/** How a resolution ended: the flag as resolved, or why not. */
export type FlagResolution = { resolved: FlagRecord } | { failure: 'not-found' | 'already-resolved' };

/**
 * Owns the `moderationflags` collection: what Stream reported for moderators (recorded by webhooks/) and how
 * moderators resolved it (moderation/). A flag is never deleted, not even with the account it is about.
 */
@Injectable()
export class ModerationFlagsService {
  private readonly logger = new Logger(ModerationFlagsService.name);

  constructor(@InjectModel(ModerationFlag.name) private readonly flags: Model<ModerationFlag>) {}

  /** Idempotent per webhook call (unique webhookId): recording a call again changes nothing. */
  async record(flag: NewModerationFlag): Promise<void> {
    const result = await this.flags
      .updateOne({ webhookId: flag.webhookId }, { $setOnInsert: flag }, { upsert: true })
      .exec();
    if (result.upsertedCount > 0)
      this.logger.log(`moderation: ${flag.kind} on user ${flag.targetUserId} (webhook ${flag.webhookId})`);
  }

  /** One page of flags, newest first; `cursor` is where the previous page ended (400 if it is not one). */
  async page(filter: FlagFilter, limit: number, cursor?: string): Promise<Page<FlagRecord[]>> {
    const match: Record<string, unknown> = {};
    if (filter.status) match.resolvedAt = filter.status === 'open' ? null : { $ne: null };
    if (filter.targetUserId) match.targetUserId = filter.targetUserId;
    if (filter.kind) match.kind = filter.kind;
    const docs = await this.flags
      .find(cursor === undefined ? match : { $and: [match, newestFirstAfter(decodePosition(cursor))] })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean<FlagRecord[]>()
      .exec();
    return newestFirstPage(docs, limit);
  }

  /** Resolves an open flag once: a second resolution (even a concurrent one) finds it resolved. */
  async resolve(id: string, moderatorId: string, note: string): Promise<FlagResolution> {
    const resolved = await this.flags
      .findOneAndUpdate(
        { _id: id, resolvedAt: null },
        { $set: { resolvedAt: new Date(), resolvedBy: moderatorId, resolutionNote: note } },
        { returnDocument: 'after' },
      )
      .lean<FlagRecord>()
      .exec();
    if (resolved) return { resolved };
    return { failure: (await this.flags.exists({ _id: id }).exec()) ? 'already-resolved' : 'not-found' };
  }
}
