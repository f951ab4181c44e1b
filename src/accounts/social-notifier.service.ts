import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { DeadlineExceeded, withDeadline } from '../common/deadline';
import { notifyConfig } from '../config/configuration';
import { NOTIFICATIONS } from '../metrics/metrics';
import { StreamService } from '../stream/stream.service';
import { UsersService } from '../users/users.service';

/** The custom events a user's connected clients receive (no dot: Stream keeps dotted types for its own). */
export type SocialEventType =
  | 'friend_request_received'
  | 'friend_request_accepted'
  | 'friend_request_rejected'
  | 'friend_request_withdrawn'
  | 'friend_removed'
  | 'user_blocked';

type Outcome = 'sent' | 'failed' | 'timeout' | 'skipped';

/**
 * Live notifications of the social graph, through Stream's custom user events: sent after the write, never
 * awaited by the request, given up after NOTIFY_TIMEOUT_MS, counted by type and outcome. Best effort by design:
 * Stream stores nothing and an offline client misses them, so the list endpoints stay the source of truth.
 */
@Injectable()
export class SocialNotifier implements OnApplicationShutdown {
  private readonly logger = new Logger(SocialNotifier.name);
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly users: UsersService,
    private readonly stream: StreamService,
    @Inject(notifyConfig.KEY) private readonly config: ConfigType<typeof notifyConfig>,
    @InjectMetric(NOTIFICATIONS) private readonly sent: Counter,
  ) {}

  /**
   * Tells `to`'s connected clients about `otherUserId` (their public profile rides along as `otherUser`, with
   * `fields`). Returns at once; nothing it does can fail the caller.
   */
  notify(to: string, type: SocialEventType, otherUserId: string, fields: Record<string, unknown> = {}): void {
    const delivery = this.deliver(to, type, otherUserId, fields).finally(() =>
      this.inFlight.delete(delivery),
    );
    this.inFlight.add(delivery);
  }

  /** Deliveries under way are each bounded by the timeout: a stopping process waits for them. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  private async deliver(
    to: string,
    type: SocialEventType,
    otherUserId: string,
    fields: object,
  ): Promise<void> {
    const outcome = await withDeadline(this.send(to, type, otherUserId, fields), this.config.timeoutMs).catch(
      (error: Error): Outcome => {
        if (error instanceof DeadlineExceeded) return 'timeout';
        this.logger.debug(`${type} to user ${to} failed: ${error.message}`);
        return 'failed';
      },
    );
    this.sent.inc({ type, outcome });
  }

  private async send(
    to: string,
    type: SocialEventType,
    otherUserId: string,
    fields: object,
  ): Promise<Outcome> {
    // Read after the write, so the event shows the profile as it is now; gone meanwhile: nothing to tell.
    const otherUser = await this.users.findPublicProfile(otherUserId);
    if (!otherUser) return 'skipped';
    await this.stream.sendUserEvent(to, { type, ...fields, otherUser });
    return 'sent';
  }
}
