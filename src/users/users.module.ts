import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { StreamModule } from '../stream/stream.module';
import { FriendRequestsService } from './friend-requests.service';
import { FriendRequest, FriendRequestSchema } from './schemas/friend-request.schema';
import { User, UserSchema } from './schemas/user.schema';
import { UserDeletionService } from './user-deletion.service';
import { UserSyncService } from './user-sync.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: User.name, schema: UserSchema },
      { name: FriendRequest.name, schema: FriendRequestSchema },
    ]),
    StreamModule,
  ],
  controllers: [UsersController],
  providers: [UsersService, UserSyncService, FriendRequestsService, UserDeletionService],
  // The services, not MongooseModule: nobody else queries `users` or `friendrequests`.
  exports: [UsersService, UserSyncService, FriendRequestsService, UserDeletionService],
})
export class UsersModule {}
