import { ApiProperty } from '@nestjs/swagger';
import { Types } from 'mongoose';
import { AuditAction, AuditActorKind, AuditEntry } from './schemas/audit-entry.schema';

export class AuditActorView {
  @ApiProperty({ enum: AuditActorKind }) kind!: AuditActorKind;
  @ApiProperty({ type: String, nullable: true, description: 'The moderator or admin (kind user)' })
  userId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Who ran the CLI (kind cli)' })
  osUser!: string | null;
}

/** One audit log entry, field by field. */
export class AuditEntryView {
  @ApiProperty() _id!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ type: AuditActorView }) actor!: AuditActorView;
  @ApiProperty({ enum: AuditAction }) action!: AuditAction;
  @ApiProperty({ type: String, nullable: true }) targetUserId!: string | null;
  @ApiProperty({ type: String, nullable: true }) flagId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Role changes: the role granted or revoked' })
  role!: string | null;
  @ApiProperty({ type: String, nullable: true }) previousRole!: string | null;
  @ApiProperty({ type: Date, nullable: true, description: 'Bans: when it ends (null: permanent)' })
  until!: Date | null;
  @ApiProperty({ type: String, nullable: true, description: 'The ban reason or the resolution note' })
  reason!: string | null;
  @ApiProperty({ type: String, nullable: true }) requestId!: string | null;
}

export type AuditEntryRecord = AuditEntry & { _id: Types.ObjectId };

export const toAuditEntryView = (e: AuditEntryRecord): AuditEntryView => ({
  _id: e._id.toString(),
  createdAt: e.createdAt,
  actor: { kind: e.actorKind, userId: e.actorId ?? null, osUser: e.osUser ?? null },
  action: e.action,
  targetUserId: e.targetUserId ?? null,
  flagId: e.flagId ?? null,
  role: e.role ?? null,
  previousRole: e.previousRole ?? null,
  until: e.until ?? null,
  reason: e.reason ?? null,
  requestId: e.requestId ?? null,
});
