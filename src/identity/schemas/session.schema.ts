import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/** What a session's sign-in proved: one factor (aal1), or two (aal2). */
export type AssuranceLevel = 'aal1' | 'aal2';

/** One signed-in device: the session JWT names it (`sid`) and is accepted only while this record exists. */
@Schema({ collection: 'sessions', versionKey: false })
export class Session {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  user!: Types.ObjectId;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  // Coarse on purpose (SESSION_TOUCH_INTERVAL_SECONDS): the hot path writes at most once per interval.
  @Prop({ type: Date, required: true })
  lastUsedAt!: Date;

  @Prop({ default: '' })
  device!: string;

  /**
   * Authenticator assurance level: aal2 once a second factor (or a passkey) passed. Sessions from before second
   * factors have none: aal1.
   */
  @Prop({ type: String, enum: ['aal1', 'aal2'] })
  aal?: AssuranceLevel;
}

export const SessionSchema = SchemaFactory.createForClass(Session);

// TTL: MongoDB removes a session once it expires (its sweep runs every ~60 s; the JWT's exp refuses it sooner).
SessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
// GET /api/auth/sessions (mine, newest first) and ending all of a user's sessions.
SessionSchema.index({ user: 1, createdAt: -1 });
