import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { User } from './schemas/user.schema';

/**
 * The `users` collection, held for the services of users/ alone (UsersModule does not export it): each concern
 * queries it through its own service (accounts, friends, recommendations, the Stream sync state, adoption of
 * legacy data), so every query on `users` still lives in this folder.
 */
@Injectable()
export class UserCollection {
  constructor(@InjectModel(User.name) readonly model: Model<User>) {}
}
