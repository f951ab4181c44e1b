import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * A sign-in whose first factor passed and that waits for the second: its token (in the `mfa_pending` cookie) is
 * kept hashed, and it can do nothing but finish (POST /api/auth/mfa/challenge) before it expires.
 */
@Schema({ collection: 'mfa_pending_sign_ins', versionKey: false })
export class PendingSignIn {
  _id!: Types.ObjectId;

  @Prop({ required: true })
  tokenHash!: string;

  @Prop({ type: Types.ObjectId, required: true })
  user!: Types.ObjectId;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;
}

export const PendingSignInSchema = SchemaFactory.createForClass(PendingSignIn);

// The challenge: the cookie's token, hashed.
PendingSignInSchema.index({ tokenHash: 1 }, { unique: true });
// TTL: MongoDB sweeps expired ones (the expiresAt filter refuses them sooner); account deletion removes a user's.
PendingSignInSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
PendingSignInSchema.index({ user: 1 });
