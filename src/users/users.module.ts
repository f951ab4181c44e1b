import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { BlocksService } from './blocks.service';
import { FriendRequestsService } from './friend-requests.service';
import { PasswordHasher } from './password-hasher';
import { Block, BlockSchema } from './schemas/block.schema';
import { FriendRequest, FriendRequestSchema } from './schemas/friend-request.schema';
import { User, UserSchema } from './schemas/user.schema';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Profiles and the social graph, in the app's own database only: it knows nothing of Stream or chat. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: User.name, schema: UserSchema },
      { name: FriendRequest.name, schema: FriendRequestSchema },
      { name: Block.name, schema: BlockSchema },
    ]),
  ],
  controllers: [UsersController],
  providers: [UsersService, FriendRequestsService, BlocksService, PasswordHasher],
  // The services, not MongooseModule: nobody else queries `users`, `friendrequests` or `blocks`.
  exports: [UsersService, FriendRequestsService, BlocksService],
})
export class UsersModule {}
