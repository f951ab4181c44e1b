import { Injectable } from '@nestjs/common';
import { FriendRequestView } from '../users/friend-request.view';
import { FriendRequestsService } from '../users/friend-requests.service';
import { SocialNotifier } from './social-notifier.service';

/**
 * The social graph's writes, each followed by a live notification to the other user's connected clients (after
 * the write, never awaited: see SocialNotifier). The writes and their rules are FriendRequestsService's.
 */
@Injectable()
export class FriendshipsService {
  constructor(
    private readonly requests: FriendRequestsService,
    private readonly notifier: SocialNotifier,
  ) {}

  async sendRequest(me: string, recipient: string): Promise<FriendRequestView> {
    const request = await this.requests.send(me, recipient);
    this.notifier.notify(recipient, 'friend_request_received', me, { requestId: request._id });
    return request;
  }

  async accept(requestId: string, me: string): Promise<void> {
    const sender = await this.requests.accept(requestId, me);
    this.notifier.notify(sender, 'friend_request_accepted', me, { requestId });
  }

  async reject(requestId: string, me: string): Promise<void> {
    const sender = await this.requests.reject(requestId, me);
    this.notifier.notify(sender, 'friend_request_rejected', me, { requestId });
  }

  async withdraw(requestId: string, me: string): Promise<void> {
    const recipient = await this.requests.withdraw(requestId, me);
    this.notifier.notify(recipient, 'friend_request_withdrawn', me, { requestId });
  }

  async unfriend(me: string, friend: string): Promise<void> {
    await this.requests.unfriend(me, friend);
    this.notifier.notify(friend, 'friend_removed', me);
  }
}
