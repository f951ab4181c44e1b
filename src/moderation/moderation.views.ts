import { ApiProperty } from '@nestjs/swagger';
import { FlagRecord } from '../flags/moderation-flags.service';
import { ModerationFlagKind } from '../flags/schemas/moderation-flag.schema';
import { BanRecord } from '../users/standing';
import { PublicProfile } from '../users/user.view';

/** A flag as moderators see it, field by field, with the flagged user's public profile (null once deleted). */
export class FlagView {
  @ApiProperty() _id!: string;
  @ApiProperty({ enum: ModerationFlagKind }) kind!: ModerationFlagKind;
  @ApiProperty({ enum: ['open', 'resolved'] }) status!: 'open' | 'resolved';
  @ApiProperty() targetUserId!: string;
  @ApiProperty({ type: PublicProfile, nullable: true }) user!: PublicProfile | null;
  @ApiProperty({ type: String, nullable: true }) flaggedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ type: String, nullable: true }) messageId!: string | null;
  @ApiProperty({ type: String, nullable: true }) messageText!: string | null;
  @ApiProperty({ type: String, nullable: true }) channelCid!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ type: Date, nullable: true }) resolvedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) resolvedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) resolutionNote!: string | null;
}

export const toFlagView = (f: FlagRecord, user: PublicProfile | null): FlagView => ({
  _id: f._id.toString(),
  kind: f.kind,
  status: f.resolvedAt ? 'resolved' : 'open',
  targetUserId: f.targetUserId,
  user,
  flaggedBy: f.flaggedBy ?? null,
  reason: f.reason ?? null,
  messageId: f.messageId ?? null,
  messageText: f.messageText ?? null,
  channelCid: f.channelCid ?? null,
  createdAt: f.createdAt,
  resolvedAt: f.resolvedAt ?? null,
  resolvedBy: f.resolvedBy ?? null,
  resolutionNote: f.resolutionNote ?? null,
});

export class BanView {
  @ApiProperty() userId!: string;
  @ApiProperty({ example: true }) banned!: boolean;
  @ApiProperty() reason!: string;
  @ApiProperty({ description: 'The moderator or admin' }) bannedBy!: string;
  @ApiProperty() bannedAt!: Date;
  @ApiProperty({ type: Date, nullable: true, description: 'When it ends by itself; null: permanent' })
  until!: Date | null;
}

export const toBanView = (userId: string, ban: BanRecord): BanView => ({
  userId,
  banned: true,
  reason: ban.reason,
  bannedBy: ban.bannedBy,
  bannedAt: ban.bannedAt,
  until: ban.until ?? null,
});

export class UnbanView {
  @ApiProperty() userId!: string;
  @ApiProperty({ example: false }) banned!: boolean;
}
