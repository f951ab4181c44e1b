import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/** What a challenge was issued for: adding a passkey, or signing in with one. */
export type WebAuthnPurpose = 'registration' | 'authentication';

/**
 * A challenge handed to a browser for one WebAuthn ceremony: spent by the first response that carries it, dead
 * after WEBAUTHN_CHALLENGE_TTL_SECONDS. Stored as its SHA-256, so a database read cannot answer a ceremony.
 */
@Schema({ collection: 'webauthn_challenges', versionKey: false })
export class WebAuthnChallenge {
  _id!: Types.ObjectId;

  @Prop({ required: true })
  challengeHash!: string;

  @Prop({ type: String, required: true, enum: ['registration', 'authentication'] })
  purpose!: WebAuthnPurpose;

  /**
   * The user it was issued to (a registration, a second factor): only their response may spend it. A challenge
   * without one is for a passwordless sign-in, and only that spends it.
   */
  @Prop({ type: Types.ObjectId })
  user?: Types.ObjectId;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;
}

export const WebAuthnChallengeSchema = SchemaFactory.createForClass(WebAuthnChallenge);

// A response spends its challenge by hash.
WebAuthnChallengeSchema.index({ challengeHash: 1 }, { unique: true });
// TTL: MongoDB removes unused challenges (consume also refuses one past expiresAt before the sweep).
WebAuthnChallengeSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
