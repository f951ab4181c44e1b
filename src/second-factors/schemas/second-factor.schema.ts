import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import type { SealedSecret } from '../secret-box';

/** What a record is: an authenticator app (TOTP), or the user's set of recovery codes. */
export type SecondFactorType = 'totp' | 'recovery_codes';

/**
 * One second factor of a user, at most one of each type. A TOTP record exists from enrollment; it counts as a
 * factor only once a first code activated it.
 */
@Schema({ collection: 'second_factors', versionKey: false })
export class SecondFactor {
  _id!: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  user!: Types.ObjectId;

  @Prop({ type: String, required: true, enum: ['totp', 'recovery_codes'] })
  type!: SecondFactorType;

  /** TOTP: false from enrollment until a first code activates it. Recovery codes: always true. */
  @Prop({ required: true })
  active!: boolean;

  /** TOTP: the shared secret, encrypted (secret-box.ts); a query must ask for it by name. */
  @Prop({ type: Object, select: false })
  secret?: SealedSecret;

  /** TOTP: the last time step a code was accepted for; a code of that step or an earlier one is refused (RFC 6238 §5.2). */
  @Prop({ type: Number, default: -1 })
  lastUsedStep!: number;

  /** Recovery codes: the SHA-256 of each unused code; using one pulls it. */
  @Prop({ type: [String], select: false, default: undefined })
  codeHashes?: string[];

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, default: null })
  lastUsedAt!: Date | null;
}

export const SecondFactorSchema = SchemaFactory.createForClass(SecondFactor);

// Every query names the user and the type (sign-in's "which factors", each check, export, deletion): one of each.
SecondFactorSchema.index({ user: 1, type: 1 }, { unique: true });
