import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export enum ModerationFlagKind {
  UserFlagged = 'user.flagged',
  MessageFlagged = 'message.flagged',
  /** A user deleted in Stream, kept for a moderator to decide (STREAM_WEBHOOK_USER_DELETED=flag). */
  UserDeletedInStream = 'user.deleted',
}

/** Something Stream reported for a moderator to review. Ids are Stream user ids (the app's user ids). */
@Schema({ timestamps: { createdAt: true, updatedAt: false } })
export class ModerationFlag {
  @Prop({ type: String, enum: Object.values(ModerationFlagKind), required: true })
  kind!: ModerationFlagKind;

  @Prop({ required: true })
  targetUserId!: string;

  @Prop()
  flaggedBy?: string;

  @Prop()
  reason?: string;

  @Prop()
  messageId?: string;

  @Prop()
  messageText?: string;

  @Prop()
  channelCid?: string;

  /** The webhook call that reported it: recording the same call twice stores one flag. */
  @Prop({ required: true })
  webhookId!: string;

  /** Set once, when a moderator resolves it; unset (or null) while the flag is open. */
  @Prop({ type: Date })
  resolvedAt?: Date;

  /** The moderator's user id. */
  @Prop()
  resolvedBy?: string;

  @Prop()
  resolutionNote?: string;

  createdAt!: Date;
}

export const ModerationFlagSchema = SchemaFactory.createForClass(ModerationFlag);

// One flag per webhook call: a re-processed call (after a restart) records nothing new.
ModerationFlagSchema.index({ webhookId: 1 }, { unique: true });
// GET /api/moderation/flags?userId=: a moderator's review of one user, newest first.
ModerationFlagSchema.index({ targetUserId: 1, createdAt: -1 });
// GET /api/moderation/flags?status=open|resolved: the queue, newest first (open: resolvedAt null or missing).
ModerationFlagSchema.index({ resolvedAt: 1, createdAt: -1, _id: -1 });
// GET /api/moderation/flags: every flag, newest first.
ModerationFlagSchema.index({ createdAt: -1, _id: -1 });
