import { ApiProperty } from '@nestjs/swagger';
import { Types } from 'mongoose';
import { UserRecord } from './user.view';

/** A user I blocked, as GET /api/users/blocks lists them. */
export class BlockedUser {
  @ApiProperty() _id!: string;
  @ApiProperty() fullName!: string;
  @ApiProperty() profilePic!: string;
  @ApiProperty() blockedAt!: Date;
}

export const BLOCKED_USER_FIELDS = { fullName: 1, profilePic: 1 } as const;

export interface BlockRecord {
  blocked: UserRecord | Types.ObjectId | null;
  createdAt: Date;
}

/** Null when the blocked account no longer exists (populate found nothing). */
export const toBlockedUser = (b: BlockRecord): BlockedUser | null =>
  b.blocked && !(b.blocked instanceof Types.ObjectId)
    ? {
        _id: b.blocked._id.toString(),
        fullName: b.blocked.fullName ?? '',
        profilePic: b.blocked.profilePic ?? '',
        blockedAt: b.createdAt,
      }
    : null;
