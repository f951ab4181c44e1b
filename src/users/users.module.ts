import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { FriendRequestsService } from './friend-requests.service';
import { PasswordHasher } from './password-hasher';
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
    ]),
  ],
  controllers: [UsersController],
  providers: [UsersService, FriendRequestsService, PasswordHasher],
  // The services, not MongooseModule: nobody else queries `users` or `friendrequests`.
  exports: [UsersService, FriendRequestsService],
})
export class UsersModule {}
