import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';

/** One user blocking another: one-directional (`blocker` blocked `blocked`); each may block the other too. */
@Schema({ timestamps: { createdAt: true, updatedAt: false } })
export class Block {
  _id!: Types.ObjectId;

  @Prop({ type: MongooseSchema.Types.ObjectId, ref: 'User', required: true })
  blocker!: Types.ObjectId;

  @Prop({ type: MongooseSchema.Types.ObjectId, ref: 'User', required: true })
  blocked!: Types.ObjectId;

  createdAt!: Date;
}

export const BlockSchema = SchemaFactory.createForClass(Block);

// One block per ordered pair: concurrent blocks of the same user store exactly one. Also serves GET /blocks
// (mine), "did I block them", and deleteAllInvolving's blocker half.
BlockSchema.index({ blocker: 1, blocked: 1 }, { unique: true });
// Who blocked me: recommendations and friend requests look both ways; deleteAllInvolving's blocked half.
BlockSchema.index({ blocked: 1 });
