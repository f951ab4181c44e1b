import { ApiProperty } from '@nestjs/swagger';
import { UserRecord } from './user.view';

/** What my friends list shows of each friend (the seed's shape). */
export class FriendCard {
  @ApiProperty() _id!: string;
  @ApiProperty() fullName!: string;
  @ApiProperty() profilePic!: string;
  @ApiProperty() nativeLanguage!: string;
  @ApiProperty() learningLanguage!: string;
}

export const FRIEND_CARD_FIELDS = {
  fullName: 1,
  profilePic: 1,
  nativeLanguage: 1,
  learningLanguage: 1,
} as const;

export const toFriendCard = (u: UserRecord): FriendCard => ({
  _id: u._id.toString(),
  fullName: u.fullName ?? '',
  profilePic: u.profilePic ?? '',
  nativeLanguage: u.nativeLanguage ?? '',
  learningLanguage: u.learningLanguage ?? '',
});
