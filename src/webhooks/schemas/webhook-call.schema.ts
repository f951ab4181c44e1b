import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';

export enum WebhookCallStatus {
  Queued = 'queued',
  Done = 'done',
  Failed = 'failed',
}

/**
 * One verified webhook call from Stream, keyed by its X-Webhook-Id (the same on every retry of one event): the
 * insert both drops a replayed call (duplicate key) and queues the event for processing.
 */
@Schema({ timestamps: { createdAt: 'receivedAt', updatedAt: false } })
export class WebhookCall {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  type!: string;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  event!: Record<string, unknown>;

  @Prop({ type: String, enum: Object.values(WebhookCallStatus), default: WebhookCallStatus.Queued })
  status!: WebhookCallStatus;

  @Prop()
  error?: string;

  /** When the id may be forgotten (STREAM_WEBHOOK_DEDUPE_TTL_SECONDS after receipt). */
  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  receivedAt!: Date;
}

export const WebhookCallSchema = SchemaFactory.createForClass(WebhookCall);

// Dedupe window: MongoDB's TTL monitor removes a call once expiresAt passes (per document, so changing the TTL
// setting needs no index change).
WebhookCallSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
// Start-up: calls still queued when the previous process stopped, oldest first.
WebhookCallSchema.index({ status: 1, receivedAt: 1 });
