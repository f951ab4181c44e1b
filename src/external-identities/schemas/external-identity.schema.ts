import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/** An account at an OpenID Connect provider (issuer + subject) that signs in as one of our users. */
@Schema({ collection: 'identities', versionKey: false })
export class ExternalIdentity {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  user!: Types.ObjectId;

  /** The provider's name in OIDC_PROVIDERS when it was linked (`google`). */
  @Prop({ required: true })
  provider!: string;

  @Prop({ required: true })
  issuer!: string;

  /** The provider's stable id of the person (`sub`): with the issuer, what identifies them. */
  @Prop({ required: true })
  subject!: string;

  /** The address the provider gave when the identity was linked ('' when none). */
  @Prop({ default: '' })
  email!: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, required: true })
  lastUsedAt!: Date;
}

export const ExternalIdentitySchema = SchemaFactory.createForClass(ExternalIdentity);

// Sign-in: who (issuer, subject) is. Unique: one identity signs in as one account, however many link it at once.
ExternalIdentitySchema.index({ issuer: 1, subject: 1 }, { unique: true });
// GET /api/auth/identities (mine, oldest first), the "last way in" count, deleting all of a user's.
ExternalIdentitySchema.index({ user: 1, createdAt: 1 });
