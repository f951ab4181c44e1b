import { ApiProperty } from '@nestjs/swagger';
import { Types } from 'mongoose';
import { User } from './schemas/user.schema';

/** The account's own view of itself: field by field, so the hash, `__v` or sync state never leak by default. */
export class UserView {
  @ApiProperty() _id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({
    description: 'Whether the user proved they receive mail at `email` (a mailed link or code)',
  })
  emailVerified!: boolean;
  @ApiProperty() fullName!: string;
  @ApiProperty() bio!: string;
  @ApiProperty() profilePic!: string;
  @ApiProperty() nativeLanguage!: string;
  @ApiProperty() learningLanguage!: string;
  @ApiProperty() location!: string;
  @ApiProperty() isOnboarded!: boolean;
  @ApiProperty({
    type: [String],
    description: 'The first friend ids, at most USERS_PAGE_LIMIT_MAX (all of them: GET /api/users/friends)',
  })
  friends!: string[];
  @ApiProperty() friendCount!: number;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

/** What anyone else may see of a user. */
export class PublicProfile {
  @ApiProperty() _id!: string;
  @ApiProperty() fullName!: string;
  @ApiProperty() profilePic!: string;
  @ApiProperty() bio!: string;
  @ApiProperty() nativeLanguage!: string;
  @ApiProperty() learningLanguage!: string;
  @ApiProperty() location!: string;
}

export type UserRecord = Pick<User, '_id'> & Partial<Omit<User, '_id'>>;

/** `friendsMax` bounds the embedded friend ids: a profile stays small however many friends there are. */
export const toUserView = (u: UserRecord, friendsMax: number): UserView => ({
  _id: u._id.toString(),
  email: u.email ?? '',
  emailVerified: u.emailVerifiedAt instanceof Date,
  fullName: u.fullName ?? '',
  bio: u.bio ?? '',
  profilePic: u.profilePic ?? '',
  nativeLanguage: u.nativeLanguage ?? '',
  learningLanguage: u.learningLanguage ?? '',
  location: u.location ?? '',
  isOnboarded: u.isOnboarded ?? false,
  friends: (u.friends ?? []).slice(0, friendsMax).map((id: Types.ObjectId) => id.toString()),
  friendCount: u.friends?.length ?? 0,
  createdAt: u.createdAt as Date,
  updatedAt: u.updatedAt as Date,
});

export const PUBLIC_PROFILE_FIELDS = {
  fullName: 1,
  profilePic: 1,
  bio: 1,
  nativeLanguage: 1,
  learningLanguage: 1,
  location: 1,
} as const;

export const toPublicProfile = (u: UserRecord): PublicProfile => ({
  _id: u._id.toString(),
  fullName: u.fullName ?? '',
  profilePic: u.profilePic ?? '',
  bio: u.bio ?? '',
  nativeLanguage: u.nativeLanguage ?? '',
  learningLanguage: u.learningLanguage ?? '',
  location: u.location ?? '',
});
