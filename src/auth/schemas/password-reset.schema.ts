import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/** The one live password-reset token of a user, stored as its SHA-256: a leaked database cannot reset anyone. */
@Schema({ collection: 'password_resets', versionKey: false })
export class PasswordReset {
  _id!: Types.ObjectId;

  // Unique: a newer request replaces the older token (upsert on user).
  @Prop({ type: Types.ObjectId, required: true, unique: true })
  user!: Types.ObjectId;

  // Unique: the reset looks the token up by its hash, and spends it in the same atomic findOneAndDelete.
  @Prop({ required: true, unique: true })
  tokenHash!: string;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;
}

export const PasswordResetSchema = SchemaFactory.createForClass(PasswordReset);

// TTL: expired tokens disappear on their own; the reset query also checks expiresAt, so one is never used late.
PasswordResetSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
