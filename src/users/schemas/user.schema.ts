import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { BanRecord, Role, ROLES } from '../standing';

/** A ban as stored on its user (a subdocument: absent until the first ban). */
@Schema({ _id: false })
class Ban implements BanRecord {
  @Prop({ required: true }) reason!: string;
  @Prop({ required: true }) bannedBy!: string;
  @Prop({ type: Date, required: true }) bannedAt!: Date;
  @Prop({ type: Date }) until?: Date;
}
const BanSchema = SchemaFactory.createForClass(Ban);

@Schema({ timestamps: true })
export class User {
  _id!: Types.ObjectId;

  @Prop({ required: true, unique: true, lowercase: true, trim: true })
  email!: string;

  // select: false, so a query must ask for the hash by name and nothing returns it by accident. Absent for an
  // account created by signing in with a provider, until the reset flow sets one.
  @Prop({ select: false })
  password?: string;

  // When a password was last set (a reset or a change): the login limits start afresh from it.
  @Prop({ type: Date })
  passwordChangedAt?: Date;

  @Prop({ required: true, trim: true })
  fullName!: string;

  @Prop({ default: '' })
  bio!: string;

  @Prop({ default: '' })
  profilePic!: string;

  @Prop({ default: '' })
  nativeLanguage!: string;

  @Prop({ default: '' })
  learningLanguage!: string;

  @Prop({ default: '' })
  location!: string;

  @Prop({ default: false })
  isOnboarded!: boolean;

  // When the user proved they receive mail at `email` (a mailed link or code); absent until then, and on every
  // account created before verification existed. Changing the address sets it: the change is confirmed by mail.
  @Prop({ type: Date })
  emailVerifiedAt?: Date;

  @Prop({ type: [{ type: Types.ObjectId, ref: 'User' }], default: [] })
  friends!: Types.ObjectId[];

  // Granted and revoked by the admin CLI only: no DTO carries it. Mirrored into Stream like the profile.
  @Prop({ type: String, enum: ROLES, default: 'user' })
  role!: Role;

  // The last ban (in force, or timed and over); unset by an unban.
  @Prop({ type: BanSchema })
  ban?: BanRecord;

  // Stream mirror state (never in a response). profileVersion grows with every change Stream must see; the
  // sync worker clears syncPending only if the version it pushed is still the current one.
  @Prop({ default: 1 })
  profileVersion!: number;

  @Prop({ default: true })
  syncPending!: boolean;

  @Prop({ default: 0 })
  syncAttempts!: number;

  @Prop({ type: Date, default: () => new Date() })
  syncNextAt!: Date;

  @Prop({ type: Date })
  syncLeaseUntil?: Date;

  @Prop()
  syncError?: string;

  // Seconds: Stream tokens issued before this were revoked; new tokens get an iat at or after it.
  @Prop()
  chatTokensValidFrom?: number;

  // Stream has acknowledged a push of this user: later pushes update the fields we own instead of replacing the
  // Stream user (which would drop a revocation, a role or a moderator's field set there).
  @Prop({ default: false })
  inStream!: boolean;

  // A ban or unban Stream has not acknowledged yet: the next push applies it (cleared with syncPending).
  @Prop({ default: false })
  banSyncPending!: boolean;

  createdAt!: Date;
  updatedAt!: Date;
}

export const UserSchema = SchemaFactory.createForClass(User);

// The sync worker's claim query: pending users whose retry time has come, oldest first.
UserSchema.index({ syncPending: 1, syncNextAt: 1 });
// GET /api/users tier 0 (native = my learning AND learning = my native), newest first.
UserSchema.index({ isOnboarded: 1, nativeLanguage: 1, learningLanguage: 1, createdAt: -1, _id: -1 });
// GET /api/users tier 1, branch "native = my learning" (merged with the next one), newest first.
UserSchema.index({ isOnboarded: 1, nativeLanguage: 1, createdAt: -1, _id: -1 });
// GET /api/users tier 1, branch "learning = my native", newest first.
UserSchema.index({ isOnboarded: 1, learningLanguage: 1, createdAt: -1, _id: -1 });
// GET /api/users tier 2 (everyone else), newest first.
UserSchema.index({ isOnboarded: 1, createdAt: -1, _id: -1 });
// removeFromAllFriendLists (account deletion): who lists this user as a friend.
UserSchema.index({ friends: 1 });
// `roles list`: the moderators and admins.
UserSchema.index({ role: 1 });
