import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { StreamModule } from '../stream/stream.module';
import { User, UserSchema } from './schemas/user.schema';
import { UserSyncService } from './user-sync.service';
import { UsersService } from './users.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: User.name, schema: UserSchema }]), StreamModule],
  providers: [UsersService, UserSyncService],
  // The services, not MongooseModule: nobody else queries `users`.
  exports: [UsersService, UserSyncService],
})
export class UsersModule {}
