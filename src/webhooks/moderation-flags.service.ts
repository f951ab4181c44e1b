import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { ModerationFlag } from './schemas/moderation-flag.schema';

export type NewModerationFlag = Omit<ModerationFlag, 'createdAt'>;

/** Owns the `moderationflags` collection: what Stream reported for moderators. */
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
}
