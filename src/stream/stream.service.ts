import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { createSigner } from 'fast-jwt';
import { Counter, Histogram } from 'prom-client';
import { StreamChat } from 'stream-chat';
import { chunk } from '../common/chunk';
import { retry } from '../common/retry';
import { streamConfig } from '../config/configuration';
import { STREAM_CALL_DURATION, STREAM_CALL_ERRORS } from '../metrics/metrics';
import { StreamError, toStreamError } from './stream.errors';

/**
 * The only user fields this service writes in Stream: no email or other personal data leaves the app, and
 * fields others set (a moderator's custom field) are never touched. The role is the app's: it is sent on every
 * write, so an upsert (which replaces the user) never resets it to Stream's default.
 */
export interface StreamUserProfile {
  id: string;
  name: string;
  image: string;
  /** A Stream global role: user, moderator or admin. */
  role: string;
  /** Tokens issued before this are refused (sign-out everywhere, password change or reset). */
  revokeTokensIssuedBefore?: Date;
}

/** A global ban in Stream: the user may still connect and read, but not send, until unbanned or timed out. */
export interface StreamBan {
  /** The moderator, who must exist in Stream. */
  bannedBy: string;
  reason: string;
  /** Unset: until unbanned. */
  timeoutMinutes?: number;
}

/** A custom event for a user's connected clients: its `type` must not contain a dot (Stream's own events do). */
export type StreamUserEvent = { type: string } & Record<string, unknown>;

const ownedFields = (p: StreamUserProfile) => ({
  name: p.name,
  image: p.image,
  role: p.role,
  ...(p.revokeTokensIssuedBefore
    ? { revoke_tokens_issued_before: p.revokeTokensIssuedBefore.toISOString() }
    : {}),
});

/**
 * The `revoke_tokens_issued_before` that refuses every token issued until now, in seconds. Tokens carry a
 * back-dated iat, so the cut-off is the iat a token minted now would get, plus one second: everything issued
 * earlier falls before it, and createUserToken(id, exp, cutOff) issues tokens that stay valid.
 */
export const revocationCutOff = (nowMs = Date.now()): number =>
  Math.floor(nowMs / 1000) - TOKEN_CLOCK_SKEW_SECONDS + 1;

export interface StreamUserToken {
  token: string;
  expiresAt: Date;
}

export type StreamDeleteMode = 'hard' | 'soft';

/** Per-id outcome of a Stream delete task. */
export type StreamDeleteResult = Record<string, { ok: boolean; error?: string }>;

/** Stream's data about one user: the export file, or the task still running when the wait ended. */
export type StreamUserExport =
  { status: 'completed'; taskId: string; data: unknown } | { status: 'pending'; taskId: string };

export interface DirectChannel {
  type: string;
  id: string;
  cid: string;
  members: string[];
  created: boolean;
}

/** Stream refuses more than this many users in one upsert or delete call. */
export const STREAM_BATCH_LIMIT = 100;
/** Stream refuses a token whose iat is in its future (error 42): back-date it to absorb clock skew. */
export const TOKEN_CLOCK_SKEW_SECONDS = 5;

/** A task not finished yet: polled again until the task timeout, then thrown as is. */
class TaskStillRunning extends StreamError {
  constructor(message: string) {
    super('timeout', message);
  }
}

/**
 * Owns the stream-chat server client: the one file that imports `stream-chat`. Every method either succeeds
 * or throws a StreamError whose `retryable` flag tells the caller whether to try again.
 */
@Injectable()
export class StreamService {
  private readonly logger = new Logger(StreamService.name);
  private readonly client: StreamChat;
  private signToken?: (claims: { user_id: string; iat: number; exp: number }) => string;

  constructor(
    @Inject(streamConfig.KEY) private readonly config: ConfigType<typeof streamConfig>,
    @InjectMetric(STREAM_CALL_DURATION) private readonly callDuration: Histogram,
    @InjectMetric(STREAM_CALL_ERRORS) private readonly callErrors: Counter,
  ) {
    const { apiKey, apiSecret, baseUrl } = config;
    // `new`, not getInstance(): the singleton would pin the first key/secret for the whole process. No channel
    // cache: on a server it keeps every channel ever opened (a leak the soak's heap snapshots showed).
    this.client = new StreamChat(apiKey, apiSecret, {
      baseURL: baseUrl,
      timeout: config.timeoutMs,
      disableCache: true,
    });
  }

  get apiKey(): string {
    return this.client.key;
  }

  /**
   * Creates users in Stream, in calls of at most 100. An upsert replaces the whole Stream user (what it leaves
   * out is dropped), so it is for users Stream does not have yet: existing ones get updateUsers.
   */
  async upsertUsers(users: StreamUserProfile[]): Promise<void> {
    for (const batch of chunk(users, STREAM_BATCH_LIMIT)) {
      await this.call('upsertUsers', () =>
        this.client.upsertUsers(batch.map((p) => ({ id: p.id, ...ownedFields(p) }))),
      );
    }
  }

  /** Sets only the fields this service owns on existing Stream users (a partial update), 100 per call. */
  async updateUsers(users: StreamUserProfile[]): Promise<void> {
    for (const batch of chunk(users, STREAM_BATCH_LIMIT)) {
      await this.call('partialUpdateUsers', () =>
        this.client.partialUpdateUsers(batch.map((p) => ({ id: p.id, set: ownedFields(p) }))),
      );
    }
  }

  /**
   * Signs a user token with `iat` and `exp` (seconds; capped by STREAM_TOKEN_TTL_SECONDS when set). `notBefore`
   * (seconds) lifts `iat` past a revocation cut-off so a token minted right after "revoke" is not itself revoked.
   */
  createUserToken(userId: string, expiresAt: number, notBefore = 0): StreamUserToken {
    const now = Math.floor(Date.now() / 1000);
    const iat = Math.max(now - TOKEN_CLOCK_SKEW_SECONDS, notBefore);
    const ttl = this.config.tokenTtlSeconds;
    const exp = ttl === undefined ? expiresAt : Math.min(expiresAt, now + ttl);
    // The claims and algorithm of the SDK's createToken(userId, exp, iat), from fast-jwt's signer: cheaper than
    // jsonwebtoken's on the hot path (issue 25, docs/benchmarks.md). Made on first use: a CLI command that never
    // talks to Stream may run without its secret.
    this.signToken ??= createSigner({ key: Buffer.from(this.config.apiSecret, 'utf8'), algorithm: 'HS256' });
    return {
      token: this.signToken({ user_id: userId, iat, exp }),
      expiresAt: new Date(exp * 1000),
    };
  }

  /** Ids among `ids` that exist in Stream. */
  async existingUserIds(ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const batch of chunk(ids, STREAM_BATCH_LIMIT)) {
      const { users } = await this.call('queryUsers', () =>
        this.client.queryUsers({ id: { $in: batch } }, { id: 1 }, { limit: batch.length }),
      );
      users.forEach((u) => found.add(u.id));
    }
    return found;
  }

  /** Pages through every Stream user id in id order (keyset paging: offset is capped by Stream). */
  async *allUserIds(pageSize = STREAM_BATCH_LIMIT): AsyncGenerator<string[]> {
    let after: string | undefined;
    for (;;) {
      const filter = after === undefined ? {} : { id: { $gt: after } };
      const { users } = await this.call('queryUsers', () =>
        this.client.queryUsers(filter, { id: 1 }, { limit: pageSize }),
      );
      if (users.length === 0) return;
      yield users.map((u) => u.id);
      if (users.length < pageSize) return;
      after = users[users.length - 1].id;
    }
  }

  /**
   * Deletes users in Stream and waits for Stream's asynchronous task to finish. Hard deletion also removes
   * their messages and conversations, as the seed's cleanup script did.
   */
  async deleteUsers(ids: string[], mode: StreamDeleteMode): Promise<StreamDeleteResult> {
    const results: StreamDeleteResult = {};
    const options =
      mode === 'hard'
        ? ({ user: 'hard', messages: 'hard', conversations: 'hard' } as const)
        : ({ user: 'soft' } as const);
    for (const batch of chunk(ids, STREAM_BATCH_LIMIT)) {
      const { task_id } = await this.call('deleteUsers', () => this.client.deleteUsers(batch, options));
      const outcome = await this.waitForTask(task_id);
      for (const id of batch) {
        const entry = outcome[id] as { status?: string; error?: string } | undefined;
        results[id] =
          entry?.status === 'ok' || entry === undefined ? { ok: true } : { ok: false, error: entry.error };
      }
    }
    return results;
  }

  /** Polls a Stream task with exponential backoff until it completes, fails, or the task timeout passes. */
  async waitForTask(taskId: string, timeoutMs = this.config.taskTimeoutMs): Promise<Record<string, unknown>> {
    return retry(
      async () => {
        const task = await this.call('getTask', () => this.client.getTask(taskId));
        if (task.status === 'completed') return task.result ?? {};
        if (task.status === 'failed') {
          throw new StreamError('rejected', `task ${taskId} failed: ${task.error?.description ?? 'unknown'}`);
        }
        throw new TaskStillRunning(`task ${taskId} still ${task.status} after ${timeoutMs} ms`);
      },
      {
        attempts: Infinity,
        baseMs: 100,
        maxMs: 2000,
        deadline: Date.now() + timeoutMs,
        retryAfter: (error) => (error instanceof TaskStillRunning ? 0 : false),
      },
    );
  }

  /**
   * Returns the `messaging` channel with exactly these members, creating it (server-side, with `createdBy` as
   * creator) when it does not exist yet. Every member must already exist in Stream.
   */
  async ensureChannel(
    type: string,
    id: string,
    members: string[],
    createdBy: string,
  ): Promise<DirectChannel> {
    const cid = `${type}:${id}`;
    const existing = await this.call('queryChannels', () =>
      this.client.queryChannels(
        { cid },
        {},
        { limit: 1, state: false, watch: false, presence: false, user_id: createdBy },
      ),
    );
    if (existing.length === 0) {
      const channel = this.client.channel(type, id, { members, created_by_id: createdBy });
      await this.call('createChannel', () => channel.create());
    }
    return { type, id, cid, members: [...members].sort(), created: existing.length === 0 };
  }

  /** Stream's own user block (idempotent): `blockerId` no longer gets `blockedId`'s 1-on-1 messages. */
  async blockUser(blockerId: string, blockedId: string): Promise<void> {
    await this.call('blockUser', () => this.client.blockUser(blockedId, blockerId));
  }

  /** Lifts a Stream user block; unblocking someone not blocked changes nothing. */
  async unblockUser(blockerId: string, blockedId: string): Promise<void> {
    await this.call('unblockUser', () => this.client.unBlockUser(blockedId, blockerId));
  }

  /** Bans the user in every channel (replacing an earlier ban); `bannedBy` must exist in Stream. */
  async banUser(userId: string, ban: StreamBan): Promise<void> {
    const options = {
      banned_by_id: ban.bannedBy,
      reason: ban.reason,
      ...(ban.timeoutMinutes ? { timeout: ban.timeoutMinutes } : {}),
    };
    await this.call('banUser', () => this.client.banUser(userId, options));
  }

  /** Lifts a global ban; unbanning a user who is not banned changes nothing. */
  async unbanUser(userId: string): Promise<void> {
    await this.call('unbanUser', () => this.client.unbanUser(userId));
  }

  /**
   * Sends a custom event to every client the user has connected right now. Stream stores nothing: a user who is
   * not connected misses it.
   */
  async sendUserEvent(userId: string, event: StreamUserEvent): Promise<void> {
    await this.call('sendUserCustomEvent', () => this.client.sendUserCustomEvent(userId, event));
  }

  /**
   * Stream's export of one user (profile, messages, reactions): starts Stream's asynchronous export task and
   * waits for it until `waitMs` has passed. A finished task links to a JSON file, read here; an unfinished one
   * is reported by task id, for the user to fetch later.
   */
  async exportUser(userId: string, waitMs: number): Promise<StreamUserExport> {
    const { task_id } = await this.call('exportUsers', () => this.client.exportUsers({ user_ids: [userId] }));
    let result: Record<string, unknown>;
    try {
      result = await this.waitForTask(task_id, waitMs);
    } catch (error) {
      if (error instanceof TaskStillRunning) return { status: 'pending', taskId: task_id };
      throw error;
    }
    const url = typeof result.url === 'string' ? result.url : undefined;
    if (!url) throw new StreamError('rejected', `exportUsers: task ${task_id} completed without a URL`);
    const data = await this.call('exportUsers download', async () => {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.config.timeoutMs) });
      if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status });
      const body: unknown = await res.json();
      return body;
    });
    return { status: 'completed', taskId: task_id, data };
  }

  /**
   * The event of a webhook call, or null when `signature` is not the HMAC-SHA256 of the body with the app
   * secret. The SDK compares in constant time and checks a gzipped body over its uncompressed bytes.
   */
  parseWebhook(rawBody: Buffer, signature: string): Record<string, unknown> | null {
    let event: unknown;
    try {
      event = this.client.verifyAndParseWebhook(rawBody, signature);
    } catch {
      return null;
    }
    return typeof event === 'object' && event !== null && !Array.isArray(event)
      ? (event as Record<string, unknown>)
      : null;
  }

  /** A cheap authenticated round trip, for the health check. */
  async ping(): Promise<void> {
    await this.call('getAppSettings', () => this.client.getAppSettings());
  }

  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const end = this.callDuration.startTimer({ operation });
    try {
      const result = await fn();
      end({ outcome: 'ok' });
      return result;
    } catch (error) {
      end({ outcome: 'error' });
      const mapped = toStreamError(operation, error);
      this.callErrors.inc({ operation, retryable: String(mapped.retryable) });
      this.logger.debug(`${mapped.message} (${mapped.kind})`);
      throw mapped;
    }
  }
}
