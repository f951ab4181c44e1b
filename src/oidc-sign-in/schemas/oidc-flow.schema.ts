import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export type OidcFlowMode = 'sign-in' | 'link';

/**
 * A sign-in (or a link) started at a provider and not finished yet: what its callback needs, for one use within
 * OIDC_FLOW_TTL_SECONDS. Found by its state's hash and bound to the browser that started it (its flow cookie).
 */
@Schema({ collection: 'oidc_flows', versionKey: false })
export class OidcFlow {
  _id!: Types.ObjectId;

  /** SHA-256 of the `state` sent to the provider. */
  @Prop({ required: true })
  stateHash!: string;

  /** SHA-256 of the flow cookie of the browser that started it. */
  @Prop({ required: true })
  browserKeyHash!: string;

  @Prop({ required: true })
  provider!: string;

  @Prop({ type: String, required: true, enum: ['sign-in', 'link'] })
  mode!: OidcFlowMode;

  /** Link mode: who links, from which session (still live at the callback, or nothing is linked). */
  @Prop({ type: Types.ObjectId })
  user?: Types.ObjectId;

  @Prop()
  sessionId?: string;

  @Prop({ required: true })
  codeVerifier!: string;

  @Prop({ required: true })
  nonce!: string;

  /** The redirect_uri of the authorization request: the token request must repeat it exactly. */
  @Prop({ required: true })
  redirectUri!: string;

  /** Inside APP_URL (checked when the flow started). */
  @Prop({ required: true })
  returnTo!: string;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;
}

export const OidcFlowSchema = SchemaFactory.createForClass(OidcFlow);

// The callback finds its flow by state.
OidcFlowSchema.index({ stateHash: 1 }, { unique: true });
// TTL: MongoDB removes an abandoned flow (the callback also refuses one past expiresAt before the sweep).
OidcFlowSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
