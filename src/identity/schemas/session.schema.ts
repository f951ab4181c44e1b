import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

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
}

export const SessionSchema = SchemaFactory.createForClass(Session);

// TTL: MongoDB removes a session once it expires (its sweep runs every ~60 s; the JWT's exp refuses it sooner).
SessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
// GET /api/auth/sessions (mine, newest first) and ending all of a user's sessions.
SessionSchema.index({ user: 1, createdAt: -1 });
