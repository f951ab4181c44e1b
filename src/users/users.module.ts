import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { IdentityModule } from '../identity/identity.module';
import { BlocksService } from './blocks.service';
import { FriendRequestsService } from './friend-requests.service';
import { PasswordHasher } from './password-hasher';
import { Block, BlockSchema } from './schemas/block.schema';
import { FriendRequest, FriendRequestSchema } from './schemas/friend-request.schema';
import { User, UserSchema } from './schemas/user.schema';
import { UsersController } from './users.controller';
import { FriendsService } from './friends.service';
import { LegacyUsersService } from './legacy-users.service';
import { RecommendationsService } from './recommendations.service';
import { UserCollection } from './user-collection';
import { UserStandingService } from './user-standing.service';
import { UserSyncStateService } from './user-sync-state.service';
import { UsersService } from './users.service';

/** Profiles and the social graph, in the app's own database only: it knows nothing of Stream or chat. */
@Module({
  imports: [
    IdentityModule,
    MongooseModule.forFeature([
      { name: User.name, schema: UserSchema },
      { name: FriendRequest.name, schema: FriendRequestSchema },
      { name: Block.name, schema: BlockSchema },
    ]),
  ],
  controllers: [UsersController],
  providers: [
    UserCollection,
    UsersService,
    FriendsService,
    RecommendationsService,
    UserSyncStateService,
    UserStandingService,
    LegacyUsersService,
    FriendRequestsService,
    BlocksService,
    PasswordHasher,
  ],
  // The services, not MongooseModule or UserCollection: nobody else queries `users`, `friendrequests` or `blocks`.
  exports: [
    UsersService,
    FriendsService,
    UserSyncStateService,
    UserStandingService,
    LegacyUsersService,
    FriendRequestsService,
    BlocksService,
  ],
})
export class UsersModule {}
