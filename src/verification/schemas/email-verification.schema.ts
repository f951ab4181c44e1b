import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/** What a mailed link or code confirms: the account's own address, or the new one of an email change. */
export const VERIFICATION_PURPOSES = ['verify', 'change'] as const;
export type VerificationPurpose = (typeof VERIFICATION_PURPOSES)[number];

/**
 * The one live link-and-code of a user for one purpose, sent to `address`. Only hashes are kept: a leaked database
 * holds no usable link (a 6-digit code's hash can be reversed by trying them all: a code is as strong as its tries,
 * counted outside MongoDB, see EmailVerificationsService).
 */
@Schema({ collection: 'email_verifications', versionKey: false })
export class EmailVerification {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  user!: Types.ObjectId;

  @Prop({ type: String, required: true, enum: VERIFICATION_PURPOSES })
  purpose!: VerificationPurpose;

  @Prop({ required: true, lowercase: true, trim: true })
  address!: string;

  // Unique: the link is looked up by its hash, and spent in the same atomic findOneAndDelete.
  @Prop({ required: true, unique: true })
  tokenHash!: string;

  @Prop({ required: true })
  codeHash!: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;
}

export const EmailVerificationSchema = SchemaFactory.createForClass(EmailVerification);

// Unique: a newer link or code replaces the older one of the same purpose (upsert on user and purpose); also a
// user's own pending verifications (a signed-in code, the data export, deletion).
EmailVerificationSchema.index({ user: 1, purpose: 1 }, { unique: true });
// A code sent with the address it went to (`{ email, code }`, not signed in).
EmailVerificationSchema.index({ address: 1 });
// TTL: expired links disappear on their own; every lookup also checks expiresAt, so none is used late.
EmailVerificationSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
