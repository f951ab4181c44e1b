import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';

export enum WebhookCallStatus {
  Queued = 'queued',
  Done = 'done',
  Failed = 'failed',
}

/**
 * One verified webhook call from Stream, keyed by its X-Webhook-Id (the same on every retry of one event) and by
 * the SHA-256 of its body (the signature covers the body, not the id, so a replay may come under any id): the
 * insert both drops a replayed call (duplicate key on either) and queues the event for processing.
 */
@Schema({ timestamps: { createdAt: 'receivedAt', updatedAt: false } })
export class WebhookCall {
  @Prop({ type: String, required: true })
  _id!: string;

  /** SHA-256 (hex) of the raw body. Absent on calls stored before it was kept (they expire within a day). */
  @Prop()
  bodyHash?: string;

  @Prop({ required: true })
  type!: string;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  event!: Record<string, unknown>;

  @Prop({ type: String, enum: Object.values(WebhookCallStatus), default: WebhookCallStatus.Queued })
  status!: WebhookCallStatus;

  @Prop()
  error?: string;

  /**
   * When the call may be forgotten: STREAM_WEBHOOK_DEDUPE_TTL_SECONDS after receipt, and never before the event is
   * too old to be accepted again (STREAM_WEBHOOK_MAX_AGE_SECONDS after its created_at).
   */
  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  receivedAt!: Date;
}

export const WebhookCallSchema = SchemaFactory.createForClass(WebhookCall);

// Dedupe window: MongoDB's TTL monitor removes a call once expiresAt passes (per document, so changing the TTL
// setting needs no index change).
WebhookCallSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
// Replays under a new X-Webhook-Id: one call per body. Partial, so the calls stored before bodies were hashed do
// not collide as nulls.
WebhookCallSchema.index(
  { bodyHash: 1 },
  { unique: true, partialFilterExpression: { bodyHash: { $exists: true } } },
);
// Start-up: calls still queued when the previous process stopped, oldest first.
WebhookCallSchema.index({ status: 1, receivedAt: 1 });
