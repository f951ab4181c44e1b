import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';

/**
 * One of a user's EXPORT_DAILY_LIMIT export slots, taken for a day by an export. Slots, not a log to count: a
 * unique (user, slot) pair lets concurrent exports take them atomically, so the limit holds exactly.
 */
@Schema()
export class DataExportSlot {
  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  user!: Types.ObjectId;

  @Prop({ required: true })
  slot!: number;

  /** When the slot frees up: a day after the export that took it. */
  @Prop({ type: Date, required: true })
  expiresAt!: Date;
}

export const DataExportSlotSchema = SchemaFactory.createForClass(DataExportSlot);

// Taking a slot: one export per (user, slot) at a time.
DataExportSlotSchema.index({ user: 1, slot: 1 }, { unique: true });
// MongoDB's TTL monitor removes free slots (lagging up to a minute: a slot whose day is over is reused anyway).
DataExportSlotSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
