import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';

export enum FriendRequestStatus {
  Pending = 'pending',
  Accepted = 'accepted',
  Rejected = 'rejected',
}

/** Statuses that hold the pair: at most one request per pair of users may be in one of them. */
export const LIVE_STATUSES = [FriendRequestStatus.Pending, FriendRequestStatus.Accepted];

/** The unordered pair of users as one string, so A→B and B→A collide on the same unique key. */
export const pairKeyOf = (a: string, b: string): string => [a, b].sort().join(':');

@Schema({ timestamps: true })
export class FriendRequest {
  _id!: Types.ObjectId;

  @Prop({ type: MongooseSchema.Types.ObjectId, ref: 'User', required: true })
  sender!: Types.ObjectId;

  @Prop({ type: MongooseSchema.Types.ObjectId, ref: 'User', required: true })
  recipient!: Types.ObjectId;

  @Prop({
    type: String,
    enum: Object.values(FriendRequestStatus),
    default: FriendRequestStatus.Pending,
  })
  status!: FriendRequestStatus;

  // Never returned: derived from sender and recipient on insert, only there for the unique index below.
  @Prop({ required: true, select: false })
  pairKey!: string;

  createdAt!: Date;
  updatedAt!: Date;
}

export const FriendRequestSchema = SchemaFactory.createForClass(FriendRequest);

// One live (pending or accepted) request per unordered pair: 20 concurrent sends insert exactly one. A rejected
// request leaves the index, so the sender may ask again later; the old rejected document stays as history.
FriendRequestSchema.index(
  { pairKey: 1 },
  { unique: true, partialFilterExpression: { status: { $in: LIVE_STATUSES } } },
);
// GET /friend-requests (incoming pending, newest first) and deleteAllInvolving's recipient half.
FriendRequestSchema.index({ recipient: 1, status: 1, createdAt: -1 });
// GET /friend-requests (my accepted), GET /outgoing-friend-requests and deleteAllInvolving's sender half.
FriendRequestSchema.index({ sender: 1, status: 1, createdAt: -1 });
