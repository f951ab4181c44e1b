import {
  BadRequestException,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  UnauthorizedException,
} from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { AccountDeletionService } from '../accounts/account-deletion.service';
import { webhookConfig } from '../config/configuration';
import { StreamService } from '../stream/stream.service';
import { isDuplicateKey } from '../common/mongo-errors';
import { hashSecret } from '../common/secrets';
import { WebhookAckResponse } from './dto/webhook-ack.response';
import { ModerationFlagsService } from '../flags/moderation-flags.service';
import { ModerationFlagKind } from '../flags/schemas/moderation-flag.schema';
import { WebhookCall, WebhookCallStatus } from './schemas/webhook-call.schema';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Stream's webhook calls. `receive` only verifies, records and queues, so Stream gets its answer well within
 * its 6 s per attempt; the work runs afterwards, one call at a time, in this process. Owns `webhookcalls`.
 */
@Injectable()
export class StreamWebhookService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StreamWebhookService.name);
  private queue: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(
    @InjectModel(WebhookCall.name) private readonly calls: Model<WebhookCall>,
    @Inject(webhookConfig.KEY) private readonly config: ConfigType<typeof webhookConfig>,
    private readonly stream: StreamService,
    private readonly deletion: AccountDeletionService,
    private readonly moderation: ModerationFlagsService,
  ) {}

  /**
   * Nothing is stored unless the signature (HMAC-SHA256 of the raw body with the app secret, over the
   * uncompressed bytes of a gzipped body) matches. A call whose X-Webhook-Id or body was seen within the dedupe
   * window is a retry or a replay: acknowledged, not processed again. The signature covers neither the id nor the
   * time of the call, so an event older than STREAM_WEBHOOK_MAX_AGE_SECONDS (its created_at) is refused: a body
   * captured once cannot be replayed after its dedupe record expired. Refused with a 400, which Stream does not
   * retry (it retries 408, 429 and 5xx only).
   */
  async receive(
    rawBody: Buffer,
    signature: string | undefined,
    webhookId: string | undefined,
  ): Promise<WebhookAckResponse> {
    if (!signature) throw new UnauthorizedException('Missing X-Signature');
    const event = this.stream.parseWebhook(rawBody, signature);
    if (!event) throw new UnauthorizedException('Invalid webhook signature');
    if (!webhookId) throw new BadRequestException('Missing X-Webhook-Id');
    const createdAt = this.freshCreatedAt(event);
    const type = str(event.type) ?? 'unknown';
    const now = Date.now();
    try {
      await this.calls.create({
        _id: webhookId,
        bodyHash: hashSecret(rawBody),
        type,
        event,
        expiresAt: new Date(
          Math.max(now + this.config.dedupeTtlSeconds * 1000, createdAt + this.config.maxAgeSeconds * 1000),
        ),
      });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      this.logger.log(`webhook ${webhookId} (${type}) already received: dropped`);
      return { status: 'duplicate' };
    }
    this.enqueue(webhookId);
    return { status: 'queued' };
  }

  /** The event's created_at (ms), or a 400 when it is missing or older than STREAM_WEBHOOK_MAX_AGE_SECONDS. */
  private freshCreatedAt(event: Json): number {
    const createdAt = Date.parse(str(event.created_at) ?? '');
    if (Number.isNaN(createdAt)) throw new BadRequestException('Webhook event without a valid created_at');
    if (Date.now() - createdAt > this.config.maxAgeSeconds * 1000) {
      throw new BadRequestException('Webhook event too old: not processed');
    }
    return createdAt;
  }

  /** Calls left queued by a previous process (stopped after answering Stream, before the work) run now. */
  async onApplicationBootstrap(): Promise<void> {
    const left = await this.calls
      .find({ status: WebhookCallStatus.Queued }, { _id: 1 })
      .sort({ receivedAt: 1 })
      .lean()
      .exec();
    left.forEach((call) => this.enqueue(call._id));
  }

  /** Finishes the call in progress; the rest stay queued in MongoDB for the next start. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.queue;
  }

  private enqueue(webhookId: string): void {
    this.queue = this.queue.then(() => this.process(webhookId));
  }

  private async process(webhookId: string): Promise<void> {
    if (this.stopping) return;
    try {
      const call = await this.calls
        .findOne({ _id: webhookId, status: WebhookCallStatus.Queued })
        .lean()
        .exec();
      if (!call) return;
      await this.handle(webhookId, call.type, call.event);
      await this.calls.updateOne({ _id: webhookId }, { $set: { status: WebhookCallStatus.Done } }).exec();
    } catch (error) {
      const message = (error as Error).message;
      this.logger.error(`webhook ${webhookId} failed: ${message}`);
      await this.calls
        .updateOne({ _id: webhookId }, { $set: { status: WebhookCallStatus.Failed, error: message } })
        .exec()
        .catch(() => undefined);
    }
  }

  private async handle(webhookId: string, type: string, event: Json): Promise<void> {
    const user = isObject(event.user) ? event.user : {};
    switch (type) {
      case 'user.deleted':
        return this.userDeleted(webhookId, str(user.id));
      case 'user.flagged': {
        const target = isObject(event.target_user) ? str(event.target_user.id) : undefined;
        if (!target) return this.malformed(webhookId, type);
        return this.moderation.record({
          kind: ModerationFlagKind.UserFlagged,
          targetUserId: target,
          flaggedBy: str(user.id),
          reason: str(event.reason),
          webhookId,
        });
      }
      case 'message.flagged': {
        const message = isObject(event.message) ? event.message : {};
        const author = isObject(message.user) ? str(message.user.id) : undefined;
        if (!author) return this.malformed(webhookId, type);
        return this.moderation.record({
          kind: ModerationFlagKind.MessageFlagged,
          targetUserId: author,
          flaggedBy: str(user.id),
          messageId: str(message.id),
          messageText: str(message.text),
          channelCid: str(event.cid),
          reason: str(event.reason),
          webhookId,
        });
      }
      default:
        this.logger.log(`webhook ${webhookId}: event type ${type} is not handled, ignored`);
    }
  }

  /** Deleted in Stream: deleted here too through the CLI's deletion path, or flagged, as configured. */
  private async userDeleted(webhookId: string, userId: string | undefined): Promise<void> {
    if (!userId) return this.malformed(webhookId, 'user.deleted');
    if (this.config.userDeleted === 'flag') {
      return this.moderation.record({
        kind: ModerationFlagKind.UserDeletedInStream,
        targetUserId: userId,
        webhookId,
      });
    }
    const report = await this.deletion.deleteUsers(this.deletion.prepareDeletion([userId]));
    const [result] = report.results;
    if (result?.status === 'failed') throw new Error(`deleting user ${userId}: ${result.error ?? 'failed'}`);
    this.logger.log(
      `webhook ${webhookId}: user ${userId} deleted in Stream, app account ${result?.status ?? 'skipped'}`,
    );
  }

  private malformed(webhookId: string, type: string): void {
    this.logger.warn(`webhook ${webhookId}: ${type} without the ids it needs, ignored`);
  }
}
