import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/** A passkey (a WebAuthn credential) a user registered: it signs in to their account, or serves as a second factor. */
@Schema({ collection: 'passkeys', versionKey: false })
export class Passkey {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  user!: Types.ObjectId;

  /** The authenticator's id of the credential (base64url), as every assertion names it. */
  @Prop({ required: true })
  credentialId!: string;

  /** The COSE public key (base64url): not a secret, but only verification has any use for it. */
  @Prop({ required: true, select: false })
  publicKey!: string;

  /** The signature counter of the last accepted assertion (0 for authenticators that keep none, as synced ones). */
  @Prop({ required: true, default: 0 })
  counter!: number;

  /** How the browser may reach the authenticator (`internal`, `hybrid`, `usb`...): hints for the next ceremony. */
  @Prop({ type: [String], default: [] })
  transports!: string[];

  /** What the user called it ("MacBook", "YubiKey"). */
  @Prop({ required: true })
  name!: string;

  /** Whether the authenticator said the credential is backed up (synced across the user's devices). */
  @Prop({ required: true, default: false })
  synced!: boolean;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  /** The last sign-in or second factor with it; null until then. */
  @Prop({ type: Date, default: null })
  lastUsedAt!: Date | null;
}

export const PasskeySchema = SchemaFactory.createForClass(Passkey);

// Sign-in: which passkey an assertion names. Unique: a credential belongs to one account, however many register it.
PasskeySchema.index({ credentialId: 1 }, { unique: true });
// GET /api/auth/passkeys (mine, oldest first), excludeCredentials, the export, deleting all of a user's.
PasskeySchema.index({ user: 1, createdAt: 1 });
