import { ApiProperty } from '@nestjs/swagger';
import { Types } from 'mongoose';
import { FriendRequestStatus } from './schemas/friend-request.schema';
import { PublicProfile, toPublicProfile, UserRecord } from './user.view';

/** A friend request as the seed returned it: ids for both users. */
export class FriendRequestView {
  @ApiProperty() _id!: string;
  @ApiProperty() sender!: string;
  @ApiProperty() recipient!: string;
  @ApiProperty({ enum: FriendRequestStatus }) status!: FriendRequestStatus;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

/** The name and picture of the user who accepted my request. */
export class AcceptedBy {
  @ApiProperty() _id!: string;
  @ApiProperty() fullName!: string;
  @ApiProperty() profilePic!: string;
}

export class IncomingFriendRequest {
  @ApiProperty() _id!: string;
  @ApiProperty({ type: PublicProfile }) sender!: PublicProfile;
  @ApiProperty() recipient!: string;
  @ApiProperty({ enum: FriendRequestStatus }) status!: FriendRequestStatus;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class AcceptedFriendRequest {
  @ApiProperty() _id!: string;
  @ApiProperty() sender!: string;
  @ApiProperty({ type: AcceptedBy }) recipient!: AcceptedBy;
  @ApiProperty({ enum: FriendRequestStatus }) status!: FriendRequestStatus;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class OutgoingFriendRequest {
  @ApiProperty() _id!: string;
  @ApiProperty() sender!: string;
  @ApiProperty({ type: PublicProfile }) recipient!: PublicProfile;
  @ApiProperty({ enum: FriendRequestStatus }) status!: FriendRequestStatus;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class FriendRequestsOverview {
  @ApiProperty({ type: [IncomingFriendRequest] }) incomingReqs!: IncomingFriendRequest[];
  @ApiProperty({ type: [AcceptedFriendRequest] }) acceptedReqs!: AcceptedFriendRequest[];
}

/** `{ message }`: what accepting a friend request answers (the seed's shape; MessageResponse also carries `success`). */
export class FriendRequestMessage {
  @ApiProperty({ example: 'Friend request accepted' }) message!: string;
}

export interface FriendRequestRecord {
  _id: Types.ObjectId;
  sender: Types.ObjectId | UserRecord | null;
  recipient: Types.ObjectId | UserRecord | null;
  status: FriendRequestStatus;
  createdAt: Date;
  updatedAt: Date;
}

const base = (r: FriendRequestRecord) => ({
  _id: r._id.toString(),
  status: r.status,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

type Ref = Types.ObjectId | UserRecord | null;

/** An unpopulated reference is an ObjectId (checked by its BSON tag: instanceof breaks across bson copies). */
const isObjectId = (ref: Ref): ref is Types.ObjectId =>
  (ref as { _bsontype?: string } | null)?._bsontype === 'ObjectId';

const idOf = (ref: Ref): string => (isObjectId(ref) ? ref.toString() : (ref?._id.toString() ?? ''));

/** A populated reference, or null when the user it pointed to no longer exists. */
const userOf = (ref: Ref): UserRecord | null => (ref && !isObjectId(ref) ? ref : null);

export const toFriendRequestView = (r: FriendRequestRecord): FriendRequestView => ({
  ...base(r),
  sender: idOf(r.sender),
  recipient: idOf(r.recipient),
});

export const toIncoming = (r: FriendRequestRecord): IncomingFriendRequest | null => {
  const sender = userOf(r.sender);
  return sender ? { ...base(r), sender: toPublicProfile(sender), recipient: idOf(r.recipient) } : null;
};

export const toAccepted = (r: FriendRequestRecord): AcceptedFriendRequest | null => {
  const recipient = userOf(r.recipient);
  if (!recipient) return null;
  return {
    ...base(r),
    sender: idOf(r.sender),
    recipient: {
      _id: recipient._id.toString(),
      fullName: recipient.fullName ?? '',
      profilePic: recipient.profilePic ?? '',
    },
  };
};

export const toOutgoing = (r: FriendRequestRecord): OutgoingFriendRequest | null => {
  const recipient = userOf(r.recipient);
  return recipient ? { ...base(r), sender: idOf(r.sender), recipient: toPublicProfile(recipient) } : null;
};
