import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export enum AuditAction {
  RoleGrant = 'role.grant',
  RoleRevoke = 'role.revoke',
  UserBan = 'user.ban',
  UserUnban = 'user.unban',
  FlagResolve = 'flag.resolve',
  UserDelete = 'user.delete',
}

export enum AuditActorKind {
  /** A moderator or admin through the API: `actorId` is their user id. */
  User = 'user',
  /** The admin CLI: `osUser` is who ran it. */
  Cli = 'cli',
}

/** One moderator or admin action: who, what, to whom, when, why, and the request that did it. Never changed. */
@Schema({ collection: 'auditlog', timestamps: { createdAt: true, updatedAt: false }, versionKey: false })
export class AuditEntry {
  @Prop({ type: String, enum: Object.values(AuditActorKind), required: true })
  actorKind!: AuditActorKind;

  @Prop()
  actorId?: string;

  @Prop()
  osUser?: string;

  @Prop({ type: String, enum: Object.values(AuditAction), required: true })
  action!: AuditAction;

  /** The user acted on (for a flag resolution, the flagged user). Kept after that account is deleted. */
  @Prop()
  targetUserId?: string;

  @Prop()
  flagId?: string;

  /** Role changes: the role granted or revoked, and the one the user had before. */
  @Prop()
  role?: string;

  @Prop()
  previousRole?: string;

  /** Timed bans: when the ban ends (a ban without it is permanent). */
  @Prop({ type: Date })
  until?: Date;

  /** The ban reason or the resolution note. */
  @Prop()
  reason?: string;

  /** The API request that did it (the X-Request-Id its log lines carry). */
  @Prop()
  requestId?: string;

  createdAt!: Date;
}

export const AuditEntrySchema = SchemaFactory.createForClass(AuditEntry);

// Append-only: every write the model offers other than an insert is refused, so no code path can edit history.
const refuseChange = () => {
  throw new Error('auditlog is append-only');
};
AuditEntrySchema.pre(
  ['updateOne', 'updateMany', 'replaceOne', 'findOneAndUpdate', 'findOneAndReplace', 'findOneAndDelete'],
  refuseChange,
);
AuditEntrySchema.pre(['deleteOne', 'deleteMany'], { document: true, query: true }, refuseChange);
AuditEntrySchema.pre('save', function (this: { isNew: boolean }) {
  if (!this.isNew) refuseChange();
});

// GET /api/moderation/audit and `audit`: newest first.
AuditEntrySchema.index({ createdAt: -1, _id: -1 });
// ?targetUserId=: what was done to one user, newest first.
AuditEntrySchema.index({ targetUserId: 1, createdAt: -1, _id: -1 });
// ?actorId=: what one moderator did, newest first.
AuditEntrySchema.index({ actorId: 1, createdAt: -1, _id: -1 });
