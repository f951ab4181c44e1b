import { randomBytes, randomUUID } from 'node:crypto';
import { doesNotExist, inputError, notAllowed, StreamApiError } from './errors';
import {
  compareBy,
  goList,
  idPredicate,
  isObject,
  isStringArray,
  paging,
  parseSort,
  type Json,
} from './request';
import type { Caller } from './tokens';
import type {
  StreamEmulatorBlock,
  StreamEmulatorChannel,
  StreamEmulatorMessage,
  StreamEmulatorState,
  StreamEmulatorTask,
  StreamEmulatorUser,
} from './types';

export const MAX_USERS_PER_CALL = 100;
/** Stream's docs give no limit for an export request; the emulator applies its usual 100 per user call. */
const MAX_EXPORT_USERS = MAX_USERS_PER_CALL;
const USER_ID = /^[@\w-]{1,255}$/;
const CHANNEL_ID = /^[\w!-]{1,64}$/;
const CHANNEL_TYPES = new Set(['messaging', 'team', 'livestream', 'commerce', 'gaming']);
/** Fields Stream computes itself: an upsert may echo them back (a queried user), they are not taken from it. */
const READ_ONLY_USER_FIELDS = new Set([
  'created_at',
  'updated_at',
  'last_active',
  'online',
  'deleted_at',
  'deactivated_at',
  'banned',
]);
const MAX_MESSAGE_LENGTH = 5000;
/** Event families Stream emits itself; a client may send typing events and its own custom types. */
const RESERVED_EVENT_PREFIXES = [
  'message.',
  'channel.',
  'member.',
  'user.',
  'health.',
  'connection.',
  'notification.',
  'reaction.',
  'typing.',
];
const DEFAULT_MESSAGE_PAGE = 25;

function channelConfig(type: string): Json {
  return {
    name: type,
    typing_events: true,
    read_events: true,
    connect_events: true,
    search: true,
    reactions: true,
    replies: true,
    quotes: true,
    mutes: true,
    uploads: true,
    url_enrichment: false,
    custom_events: true,
    push_notifications: true,
    message_retention: 'infinite',
    max_message_length: MAX_MESSAGE_LENGTH,
    automod: 'disabled',
    automod_behavior: 'flag',
    commands: [],
  };
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;');

function assertRevocationValue(value: unknown): void {
  if (value === undefined || value === null) return;
  const ms = typeof value === 'string' || typeof value === 'number' ? new Date(value).getTime() : NaN;
  if (Number.isNaN(ms)) throw inputError('revoke_tokens_issued_before must be a valid date or null');
}

/**
 * Stream's built-in global roles (docs, permissions reference, "Default Grants": admin, moderator, user, guest,
 * anonymous; global_admin and global_moderator for multi-tenant apps). channel_member and channel_moderator are
 * channel roles; a custom role needs CreateRole first, which the emulator does not implement. Stream refuses an
 * unknown role; the emulator's wording of that error is its own (Stream's exact text is not documented).
 */
const GLOBAL_ROLES = new Set([
  'admin',
  'moderator',
  'user',
  'guest',
  'anonymous',
  'global_admin',
  'global_moderator',
]);

function assertRole(value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !GLOBAL_ROLES.has(value)) {
    throw inputError(
      `role ${JSON.stringify(value)} does not exist; the built-in global roles are ${goList([...GLOBAL_ROLES])}`,
    );
  }
}

export interface StoreOptions {
  /** How long a task takes; read on every GetTask, so a fault can change it. */
  taskDelayMs: () => number;
  isOnline: (userId: string) => boolean;
  /** Events a webhook would carry (user.deleted). */
  emit: (event: Json) => void;
  /** `banned` and `ban_expires` of a user under an active ban (moderation.ts); nothing otherwise. */
  banFields: (userId: string) => Json;
  /** The download URL of an export file, served by the emulator like a signed, expiring storage link. */
  exportUrl: (token: string) => string;
  exportUrlTtlMs: number;
}

interface ExportFile {
  body: Json;
  expiresAtMs: number;
}

/** In-memory Stream app: users, channels and tasks. Methods take decoded request bodies and throw StreamApiError. */
/** A channel event to relay to watchers, and the user it is from. */
interface ChannelEventResult {
  channel: StreamEmulatorChannel;
  event: Json;
  userId: string;
}

export class StreamStore {
  readonly state: StreamEmulatorState = {
    users: new Map(),
    deletedUserIds: new Set(),
    channels: new Map(),
    blocks: new Map(),
    flags: [],
    bans: new Map(),
    requests: [],
  };
  /** Creation order, so users created within the same millisecond still page in a stable order. */
  private readonly userSeq = new Map<string, number>();
  private seq = 0;
  private readonly hardDeleted = new Set<string>();
  private readonly tasks = new Map<string, StreamEmulatorTask>();
  private readonly exportFiles = new Map<string, ExportFile>();
  private readonly channelExtra = new Map<string, Json>();
  /** cid → connection ids that watch it (receive message.new). */
  readonly watchers = new Map<string, Set<string>>();

  constructor(private readonly opts: StoreOptions) {}

  reset(): void {
    this.state.users.clear();
    this.state.deletedUserIds.clear();
    this.state.channels.clear();
    this.state.blocks.clear();
    this.state.flags.length = 0;
    this.state.bans.clear();
    this.state.requests.length = 0;
    this.exportFiles.clear();
    this.userSeq.clear();
    this.hardDeleted.clear();
    this.tasks.clear();
    this.channelExtra.clear();
    this.watchers.clear();
  }

  // Users

  userResponse(id: string): Json {
    const user = this.state.users.get(id);
    if (!user) {
      return this.state.deletedUserIds.has(id) ? { id, deleted_at: new Date(0).toISOString() } : { id };
    }
    return {
      role: 'user',
      banned: false,
      ...user,
      ...this.opts.banFields(id),
      online: this.opts.isOnline(id),
    };
  }

  /** A user's global role (Stream's default is `user`). */
  roleOf(userId: string): string {
    const role = this.state.users.get(userId)?.role;
    return typeof role === 'string' ? role : 'user';
  }

  private assertReusable(id: string): void {
    if (this.state.deletedUserIds.has(id)) {
      throw inputError(
        this.hardDeleted.has(id)
          ? `user "${id}" was hard deleted; the id of a hard deleted user cannot be reused`
          : `user "${id}" was deleted; restore it instead of creating it again`,
      );
    }
  }

  /** Writes the whole user: callers that keep fields (partial update, connect) pass the previous user merged in. */
  private putUser(
    id: string,
    fields: Json,
    prev: StreamEmulatorUser | undefined,
    now: string,
  ): StreamEmulatorUser {
    const user: StreamEmulatorUser = {
      id,
      role: 'user',
      created_at: prev?.created_at ?? now,
      updated_at: now,
    };
    for (const [k, v] of Object.entries(fields)) {
      if (k === 'id' || READ_ONLY_USER_FIELDS.has(k) || v === undefined) continue;
      user[k] = v;
    }
    this.normalizeRevocation(user);
    if (!prev) this.userSeq.set(id, ++this.seq);
    this.state.users.set(id, user);
    return user;
  }

  private normalizeRevocation(user: StreamEmulatorUser): void {
    const value = user.revoke_tokens_issued_before;
    if (value === null || value === undefined) {
      delete user.revoke_tokens_issued_before;
      return;
    }
    assertRevocationValue(value);
    user.revoke_tokens_issued_before = new Date(value).toISOString();
  }

  /**
   * POST /users: replaces the user as Stream documents ("replacing its existing data with the new payload"): custom
   * fields, a role and `revoke_tokens_issued_before` left out of the payload are gone (the role falls back to
   * `user`), so a profile sync by upsert re-admits revoked tokens. Only what Stream computes itself (created_at)
   * survives. `partialUpdateUsers` is the call that keeps what it does not name.
   */
  upsertUsers(body: Json): Json {
    if (!isObject(body.users)) throw inputError('users is a required field');
    const entries = Object.entries(body.users);
    if (entries.length === 0) throw inputError('users must contain at least 1 item');
    if (entries.length > MAX_USERS_PER_CALL) {
      throw inputError(`users must contain at most ${MAX_USERS_PER_CALL} items, got ${entries.length}`);
    }
    for (const [key, user] of entries) {
      if (!isObject(user)) throw inputError(`users["${key}"] must be an object`);
      if (user.id !== key) throw inputError(`users["${key}"].id must match its key`);
      if (!USER_ID.test(key)) {
        throw inputError(`users["${key}"].id is not a valid user id. a-z, 0-9, @, _ and - are allowed`);
      }
      this.assertReusable(key);
      assertRevocationValue(user.revoke_tokens_issued_before);
      assertRole(user.role);
    }
    const now = new Date().toISOString();
    const users: Json = {};
    for (const [id, user] of entries) {
      this.putUser(id, user as Json, this.state.users.get(id), now);
      users[id] = this.userResponse(id);
    }
    return { users, membership_deletion_task_id: '' };
  }

  /** Client-side connectUser creates the user, or sets the profile fields it sends. */
  ensureUserOnConnect(id: string, details: Json): void {
    this.assertReusable(id);
    const prev = this.state.users.get(id);
    const fields: Json = { ...(prev ?? {}) };
    for (const [k, v] of Object.entries(details)) {
      if (k === 'role' || k === 'revoke_tokens_issued_before') continue;
      fields[k] = v;
    }
    if (!prev || Object.keys(details).some((k) => k !== 'id' && details[k] !== prev[k])) {
      this.putUser(id, fields, prev, new Date().toISOString());
    }
  }

  /** GET /users?payload=… */
  queryUsers(payload: Json): Json {
    const filter = payload.filter_conditions ?? {};
    if (!isObject(filter)) throw inputError('filter_conditions must be an object');
    const predicates: ((u: StreamEmulatorUser) => boolean)[] = [];
    for (const [field, cond] of Object.entries(filter)) {
      if (field !== 'id') {
        throw inputError(`filtering users on "${field}" is not supported by the Stream emulator (only "id")`);
      }
      const match = idPredicate(field, cond);
      predicates.push((u) => match(u.id));
    }
    const sort = parseSort(payload.sort, ['created_at', 'updated_at', 'id', 'name']);
    const { limit, offset } = paging(payload, 30, 100, 1000);
    const ids = [...this.state.users.values()].filter((u) => predicates.every((p) => p(u))).map((u) => u.id);
    const byField = compareBy(sort.length ? sort : [{ field: 'created_at', direction: 1 }], (id, field) => {
      const value = this.state.users.get(id)?.[field];
      return typeof value === 'string' ? value : '';
    });
    ids.sort((a, b) => byField(a, b) || (this.userSeq.get(a) ?? 0) - (this.userSeq.get(b) ?? 0));
    return { users: ids.slice(offset, offset + limit).map((id) => this.userResponse(id)) };
  }

  /** PATCH /users: `{ users: [{ id, set, unset }] }`. */
  partialUpdateUsers(body: Json): Json {
    const updates = body.users;
    if (!Array.isArray(updates) || updates.length === 0) throw inputError('users is a required field');
    if (updates.length > MAX_USERS_PER_CALL) {
      throw inputError(`users must contain at most ${MAX_USERS_PER_CALL} items, got ${updates.length}`);
    }
    const planned: { prev: StreamEmulatorUser; fields: Json }[] = [];
    for (const update of updates as unknown[]) {
      if (!isObject(update) || typeof update.id !== 'string')
        throw inputError('users[].id is a required field');
      const prev = this.state.users.get(update.id);
      if (!prev) throw inputError(`user "${update.id}" does not exist`);
      const set = update.set ?? {};
      const unset = update.unset ?? [];
      if (!isObject(set)) throw inputError('set must be an object');
      if (!isStringArray(unset)) throw inputError('unset must be an array of field names');
      const fields: Json = { ...prev };
      for (const [k, v] of Object.entries(set)) {
        if (k === 'id' || READ_ONLY_USER_FIELDS.has(k)) throw inputError(`field "${k}" cannot be updated`);
        if (k === 'revoke_tokens_issued_before') assertRevocationValue(v);
        if (k === 'role') assertRole(v);
        fields[k] = v;
      }
      for (const k of unset) {
        if (k === 'id' || READ_ONLY_USER_FIELDS.has(k)) throw inputError(`field "${k}" cannot be unset`);
        fields[k] = null;
        if (k !== 'revoke_tokens_issued_before') delete fields[k];
      }
      planned.push({ prev, fields });
    }
    const now = new Date().toISOString();
    const users: Json = {};
    for (const { prev, fields } of planned) {
      this.putUser(prev.id, fields, prev, now);
      users[prev.id] = this.userResponse(prev.id);
    }
    return { users };
  }

  /** POST /users/delete: users vanish at once; the task reports completion after taskDelayMs. */
  deleteUsers(body: Json): Json {
    const ids = body.user_ids;
    if (!isStringArray(ids) || ids.length === 0) throw inputError('user_ids is a required field');
    if (ids.length > MAX_USERS_PER_CALL) {
      throw inputError(`user_ids must contain at most ${MAX_USERS_PER_CALL} items, got ${ids.length}`);
    }
    const mode = body.user;
    if (mode !== 'soft' && mode !== 'hard' && mode !== 'pruning') {
      throw inputError(
        'user must be one of [soft hard pruning] (the Stream emulator does not model leaving users)',
      );
    }
    const messages = body.messages;
    const conversations = body.conversations;
    if (messages !== undefined && messages !== 'soft' && messages !== 'hard' && messages !== 'pruning') {
      throw inputError('messages must be one of [soft hard pruning]');
    }
    if (conversations !== undefined && conversations !== 'soft' && conversations !== 'hard') {
      throw inputError('conversations must be one of [soft hard]');
    }
    if (mode === 'hard' && (messages !== 'hard' || conversations !== 'hard')) {
      throw inputError('when user is hard deleted, messages and conversations must be hard deleted as well');
    }
    const result: StreamEmulatorTask['result'] = {};
    for (const id of new Set(ids)) {
      const before = this.state.users.has(id) ? this.userResponse(id) : undefined;
      if (this.state.users.delete(id)) {
        this.state.deletedUserIds.add(id);
        if (mode !== 'soft') {
          this.hardDeleted.add(id);
          this.forgetBlocksOf(id);
        }
        this.opts.emit({
          type: 'user.deleted',
          user: { ...before, deleted_at: new Date().toISOString() },
          hard_delete: mode === 'hard',
          mark_messages_deleted: messages !== undefined,
          delete_conversation_channels: conversations !== undefined,
        });
      }
      if (messages) {
        for (const channel of this.state.channels.values()) {
          channel.messages = channel.messages.filter((m) => m.user_id !== id);
        }
      }
      if (conversations) {
        for (const [cid, channel] of this.state.channels) {
          if (channel.members.length === 2 && channel.members.includes(id)) this.deleteChannel(cid);
        }
      }
      result[id] = { status: 'ok' };
    }
    const task: StreamEmulatorTask = { id: randomUUID(), createdAtMs: Date.now(), result };
    this.tasks.set(task.id, task);
    return { task_id: task.id };
  }

  /** GET /tasks/:id: pending for the first half of taskDelayMs, running for the second, then completed. */
  getTask(id: string): Json {
    const task = this.tasks.get(id);
    if (!task) throw doesNotExist(`task with id "${id}" does not exist`);
    const elapsed = Date.now() - task.createdAtMs;
    const delay = this.opts.taskDelayMs();
    const status = elapsed >= delay ? 'completed' : elapsed >= delay / 2 ? 'running' : 'pending';
    const createdAt = new Date(task.createdAtMs).toISOString();
    return {
      task_id: task.id,
      status,
      created_at: createdAt,
      updated_at: status === 'completed' ? new Date(task.createdAtMs + delay).toISOString() : createdAt,
      ...(status === 'completed' ? { result: task.result } : {}),
    };
  }

  /** POST /export/users: an asynchronous task whose result is `{ url }`, a link to the JSON file of the export. */
  exportUsers(body: Json): Json {
    const ids = body.user_ids;
    if (!isStringArray(ids) || ids.length === 0) throw inputError('user_ids is a required field');
    if (ids.length > MAX_EXPORT_USERS) {
      throw inputError(`user_ids must contain at most ${MAX_EXPORT_USERS} items, got ${ids.length}`);
    }
    const unique = [...new Set(ids)];
    const missing = unique.filter((id) => !this.state.users.has(id));
    if (missing.length) throw inputError(`the following users don't exist: ${goList(missing)}`);
    // Taken now, as a task would read it; the same shape as Stream's synchronous exportUser, one entry per user.
    const users = unique.map((id) => ({
      user: this.userResponse(id),
      messages: [...this.state.channels.values()].flatMap((channel) =>
        channel.messages.filter((m) => m.user_id === id).map((m) => this.messageResponse(channel, m)),
      ),
      reactions: [],
    }));
    const token = randomBytes(16).toString('hex');
    const createdAtMs = Date.now();
    this.exportFiles.set(token, {
      body: { users },
      expiresAtMs: createdAtMs + this.opts.taskDelayMs() + this.opts.exportUrlTtlMs,
    });
    const task: StreamEmulatorTask = {
      id: randomUUID(),
      createdAtMs,
      result: { url: this.opts.exportUrl(token) },
    };
    this.tasks.set(task.id, task);
    return { task_id: task.id };
  }

  /** The file behind an export URL; like an expired signed link, an old one answers 403. */
  exportFile(token: string): Json {
    const file = this.exportFiles.get(token);
    if (!file) throw doesNotExist('export file does not exist');
    if (Date.now() >= file.expiresAtMs) throw new StreamApiError(403, 17, 'Request has expired');
    return file.body;
  }

  // Blocks: Stream's user-block API (client.blockUser / unBlockUser / getBlockedUsers).
  //
  // Modelled on Stream's "Block User" docs: a block is one-directional and concerns 1-on-1 channels only. The
  // blocked user can still send there (no error), but the blocker receives no events from them (message.new);
  // such a channel is hidden from the blocker's QueryChannels unless hidden channels are asked for
  // (`hidden: true`), and is then returned with `blocked: true` and all its messages; after an unblock everything
  // is visible again. A blocked user who creates a channel with the blocker as member is ignored as to that
  // member. Group channels are unaffected. The docs add that this works "only for distinct channels" (created
  // from members, without an id); the emulator has no distinct channels, so it treats every two-member channel
  // as 1-on-1: against real Stream, a 1-on-1 channel created with an explicit id may not be covered.

  /** Who a user action is by: the connected user, or `user_id` of a server-side call (flags too, moderation.ts). */
  actingUser(caller: Caller, body: Json): string {
    if (caller.kind === 'user') return caller.userId;
    if (typeof body.user_id !== 'string' || body.user_id === '') {
      throw inputError('user_id is a required field when using server side auth.');
    }
    if (!this.state.users.has(body.user_id)) throw inputError(`user "${body.user_id}" does not exist`);
    return body.user_id;
  }

  /** POST /users/block: idempotent, a second block keeps the first one's created_at. */
  blockUser(body: Json, caller: Caller): Json {
    const blocker = this.actingUser(caller, body);
    const blocked = body.blocked_user_id;
    if (typeof blocked !== 'string' || blocked === '')
      throw inputError('blocked_user_id is a required field');
    if (blocked === blocker) throw inputError('a user cannot block themselves');
    if (!this.state.users.has(blocked)) throw inputError(`user "${blocked}" does not exist`);
    const mine = this.state.blocks.get(blocker) ?? new Map<string, StreamEmulatorBlock>();
    const block = mine.get(blocked) ?? {
      user_id: blocker,
      blocked_user_id: blocked,
      created_at: new Date().toISOString(),
    };
    mine.set(blocked, block);
    this.state.blocks.set(blocker, mine);
    // The server's answer (BlockUsersResponse); the SDK's TypeScript type calls the instant `blocked_at`.
    return { blocked_by_user_id: blocker, blocked_user_id: blocked, created_at: block.created_at };
  }

  /** POST /users/unblock: unblocking someone not blocked succeeds and changes nothing. */
  unblockUser(body: Json, caller: Caller): Json {
    const blocker = this.actingUser(caller, body);
    const blocked = body.blocked_user_id;
    if (typeof blocked !== 'string' || blocked === '')
      throw inputError('blocked_user_id is a required field');
    this.state.blocks.get(blocker)?.delete(blocked);
    return {};
  }

  /** GET /users/block */
  blockedUsers(query: URLSearchParams, caller: Caller): Json {
    const blocker = this.actingUser(caller, { user_id: query.get('user_id') ?? undefined });
    const blocks = [...(this.state.blocks.get(blocker)?.values() ?? [])].map((b) => ({
      user_id: b.user_id,
      user: this.userResponse(b.user_id),
      blocked_user_id: b.blocked_user_id,
      blocked_user: this.userResponse(b.blocked_user_id),
      created_at: b.created_at,
    }));
    return { blocks };
  }

  blockedUserIds(userId: string): string[] {
    return [...(this.state.blocks.get(userId)?.keys() ?? [])];
  }

  private hasBlocked(blocker: string, blocked: string): boolean {
    return this.state.blocks.get(blocker)?.has(blocked) ?? false;
  }

  /** True when `viewerId` blocked the other member of this 1-on-1 channel. */
  blockedFor(channel: StreamEmulatorChannel, viewerId: string): boolean {
    if (channel.members.length !== 2 || !channel.members.includes(viewerId)) return false;
    const other = channel.members.find((m) => m !== viewerId);
    return other !== undefined && this.hasBlocked(viewerId, other);
  }

  private forgetBlocksOf(userId: string): void {
    this.state.blocks.delete(userId);
    for (const mine of this.state.blocks.values()) mine.delete(userId);
  }

  // Channels

  private deleteChannel(cid: string): void {
    this.state.channels.delete(cid);
    this.channelExtra.delete(cid);
    this.watchers.delete(cid);
  }

  private canRead(channel: StreamEmulatorChannel, caller: Caller): boolean {
    return (
      caller.kind === 'server' ||
      channel.members.includes(caller.userId) ||
      channel.created_by_id === caller.userId
    );
  }

  private memberIds(raw: unknown): string[] {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) throw inputError('data.members must be an array');
    return raw.map((m: unknown) => {
      if (typeof m === 'string') return m;
      if (isObject(m) && typeof m.user_id === 'string') return m.user_id;
      if (isObject(m) && isObject(m.user) && typeof m.user.id === 'string') return m.user.id;
      throw inputError('data.members entries must be user ids or { user_id } objects');
    });
  }

  private memberResponse(channel: StreamEmulatorChannel, userId: string): Json {
    return {
      user_id: userId,
      user: this.userResponse(userId),
      created_at: channel.created_at,
      updated_at: channel.created_at,
      banned: false,
      shadow_banned: false,
      role: channel.created_by_id === userId ? 'owner' : 'member',
      channel_role: 'channel_member',
      notifications_muted: false,
    };
  }

  messageResponse(channel: StreamEmulatorChannel, m: StreamEmulatorMessage): Json {
    return {
      id: m.id,
      text: m.text,
      html: `<p>${escapeHtml(m.text)}</p>\n`,
      type: 'regular',
      user: this.userResponse(m.user_id),
      cid: channel.cid,
      attachments: [],
      latest_reactions: [],
      own_reactions: [],
      reaction_counts: {},
      reaction_scores: {},
      reply_count: 0,
      deleted_reply_count: 0,
      mentioned_users: [],
      silent: false,
      pinned: false,
      shadowed: false,
      created_at: m.created_at,
      updated_at: m.created_at,
    };
  }

  private lastUpdated(channel: StreamEmulatorChannel): string {
    return channel.messages.at(-1)?.created_at ?? channel.created_at;
  }

  channelResponse(channel: StreamEmulatorChannel, caller: Caller, messageLimit = DEFAULT_MESSAGE_PAGE): Json {
    const last = channel.messages.at(-1)?.created_at;
    const isMember = caller.kind === 'user' && channel.members.includes(caller.userId);
    return {
      channel: {
        ...this.channelExtra.get(channel.cid),
        id: channel.id,
        type: channel.type,
        cid: channel.cid,
        created_at: channel.created_at,
        updated_at: channel.created_at,
        ...(last ? { last_message_at: last } : {}),
        created_by: this.userResponse(channel.created_by_id),
        frozen: false,
        disabled: false,
        member_count: channel.members.length,
        config: channelConfig(channel.type),
        ...(caller.kind === 'user' && this.blockedFor(channel, caller.userId) ? { blocked: true } : {}),
        ...(caller.kind === 'user'
          ? {
              own_capabilities: isMember
                ? ['read-events', 'send-message', 'send-reply', 'typing-events']
                : [],
            }
          : {}),
      },
      members: channel.members.map((id) => this.memberResponse(channel, id)),
      messages: channel.messages.slice(-messageLimit).map((m) => this.messageResponse(channel, m)),
      read: channel.members.map((id) => this.readResponse(channel, id)),
      pinned_messages: [],
      watcher_count: this.watchers.get(channel.cid)?.size ?? 0,
      ...(isMember && caller.kind === 'user'
        ? { membership: this.memberResponse(channel, caller.userId) }
        : {}),
    };
  }

  /** A member's read state as the SDK counts unread messages from it (never read: since the channel's start). */
  private readResponse(channel: StreamEmulatorChannel, userId: string): Json {
    const read = channel.reads[userId];
    const lastRead = read?.last_read ?? new Date(0).toISOString();
    return {
      user: this.userResponse(userId),
      last_read: lastRead,
      unread_messages: channel.messages.filter((m) => m.created_at > lastRead && m.user_id !== userId).length,
      ...(read?.last_read_message_id ? { last_read_message_id: read.last_read_message_id } : {}),
    };
  }

  private readDenied(type: string, userId: string): StreamApiError {
    return notAllowed(
      `User '${userId}' with role 'user' is not allowed to perform action ReadChannel in scope '${type}'`,
    );
  }

  private watch(cid: string, connectionId: string | undefined): void {
    if (!connectionId) return;
    const set = this.watchers.get(cid) ?? new Set<string>();
    set.add(connectionId);
    this.watchers.set(cid, set);
  }

  unwatchConnection(connectionId: string): void {
    for (const set of this.watchers.values()) set.delete(connectionId);
  }

  /** POST /channels/:type/:id/query: get-or-create. The real response does not say whether it created: see outcome. */
  getOrCreateChannel(
    type: string,
    id: string,
    body: Json,
    caller: Caller,
    connectionId: string | undefined,
  ): { response: Json; created: boolean } {
    if (!CHANNEL_TYPES.has(type)) throw doesNotExist(`channel type "${type}" does not exist`);
    if (!CHANNEL_ID.test(id)) {
      throw inputError(
        `channel id "${id}" is not valid: a-z, 0-9, !, _ and - are allowed, at most 64 characters`,
      );
    }
    const data = body.data === undefined || body.data === null ? {} : body.data;
    if (!isObject(data)) throw inputError('data must be an object');
    const cid = `${type}:${id}`;
    let channel = this.state.channels.get(cid);
    let created = false;
    if (channel) {
      if (!this.canRead(channel, caller))
        throw this.readDenied(type, caller.kind === 'user' ? caller.userId : '');
    } else {
      const { members: rawMembers, created_by: createdBy, created_by_id: createdById, ...extra } = data;
      let creator: unknown;
      if (caller.kind === 'user') {
        creator = caller.userId;
      } else {
        creator = isObject(createdBy) ? createdBy.id : createdById;
        if (typeof creator !== 'string') {
          throw inputError(
            'either data.created_by or data.created_by_id must be provided when using server side auth.',
          );
        }
      }
      const creatorId = creator as string;
      // A member who blocked the creator is left out, as Stream ignores a blocked user adding their blocker.
      const members = [...new Set(this.memberIds(rawMembers))].filter(
        (m) => m === creatorId || !this.hasBlocked(m, creatorId),
      );
      const missing = [...new Set([creatorId, ...members])].filter((u) => !this.state.users.has(u));
      if (missing.length) {
        throw inputError(
          `The following users are involved in channel create operation, but don't exist: ${goList(missing)}. Please create the user objects before setting up the channel.`,
        );
      }
      channel = {
        type,
        id,
        cid,
        created_by_id: creatorId,
        members,
        messages: [],
        created_at: new Date().toISOString(),
        reads: {},
      };
      this.state.channels.set(cid, channel);
      this.channelExtra.set(cid, extra);
      created = true;
    }
    if (body.watch === true) this.watch(cid, connectionId);
    const messages =
      isObject(body.messages) && typeof body.messages.limit === 'number' ? body.messages.limit : undefined;
    return { response: this.channelResponse(channel, caller, messages), created };
  }

  /** POST /channels: query by members/type/id/cid. */
  queryChannels(body: Json, caller: Caller, connectionId: string | undefined): Json {
    if (body.predefined_filter !== undefined)
      throw inputError('predefined filters are not supported by the Stream emulator');
    const filter = body.filter_conditions ?? {};
    if (!isObject(filter)) throw inputError('filter_conditions must be an object');
    const predicates: ((c: StreamEmulatorChannel) => boolean)[] = [];
    let hidden = false;
    for (const [field, cond] of Object.entries(filter)) {
      if (field === 'hidden' && typeof cond === 'boolean') {
        hidden = cond;
      } else if (field === 'type' || field === 'id' || field === 'cid') {
        const match = idPredicate(field, cond);
        predicates.push((c) => match(c[field]));
      } else if (
        field === 'members' &&
        isObject(cond) &&
        Object.keys(cond).length === 1 &&
        isStringArray(cond.$in)
      ) {
        const wanted = new Set(cond.$in);
        predicates.push((c) => c.members.some((m) => wanted.has(m)));
      } else {
        throw inputError(
          `filter on "${field}" is not supported by the Stream emulator (supported: type, id, cid, hidden, members with $in)`,
        );
      }
    }
    const sort = parseSort(body.sort, ['last_updated', 'last_message_at', 'created_at', 'updated_at']);
    const { limit, offset } = paging(body, 10, 30, 1000);
    const pick = (cid: string, field: string): string => {
      const c = this.state.channels.get(cid);
      if (!c) return '';
      if (field === 'last_message_at') return c.messages.at(-1)?.created_at ?? '';
      if (field === 'created_at' || field === 'updated_at') return c.created_at;
      return this.lastUpdated(c);
    };
    // Only blocks hide channels here (the emulator has no hide/show API).
    const isHidden = (c: StreamEmulatorChannel): boolean =>
      caller.kind === 'user' && this.blockedFor(c, caller.userId);
    const cids = [...this.state.channels.values()]
      .filter((c) => this.canRead(c, caller) && isHidden(c) === hidden && predicates.every((p) => p(c)))
      .map((c) => c.cid)
      .sort(compareBy(sort.length ? sort : [{ field: 'last_updated', direction: -1 }], pick));
    const page = cids.slice(offset, offset + limit);
    const messageLimit = typeof body.message_limit === 'number' ? body.message_limit : DEFAULT_MESSAGE_PAGE;
    return {
      channels: page.map((cid) => {
        if (body.watch === true) this.watch(cid, connectionId);
        return this.channelResponse(
          this.state.channels.get(cid) as StreamEmulatorChannel,
          caller,
          messageLimit,
        );
      }),
    };
  }

  /**
   * The user a channel action is for and the channel, checked as Stream does: a client acts as itself and must be
   * a member; a server call names the user in `user_id` or `user.id` of `named` (the body, or its `namedIn`).
   */
  private memberAction(
    type: string,
    id: string,
    caller: Caller,
    named: Json,
    action: string,
    namedIn = '',
  ): { channel: StreamEmulatorChannel; userId: string } {
    const channel = this.state.channels.get(`${type}:${id}`);
    if (!channel) throw doesNotExist(`channel "${type}:${id}" does not exist`);
    if (caller.kind === 'user') {
      if (!channel.members.includes(caller.userId)) {
        throw notAllowed(
          `User '${caller.userId}' with role 'user' is not allowed to perform action ${action} in scope '${type}'`,
        );
      }
      return { channel, userId: caller.userId };
    }
    const userId = named.user_id ?? (isObject(named.user) ? named.user.id : undefined);
    if (typeof userId !== 'string')
      throw inputError(
        `${namedIn}user or ${namedIn}user_id is a required field when using server side auth.`,
      );
    if (!this.state.users.has(userId)) throw inputError(`user "${userId}" does not exist`);
    return { channel, userId };
  }

  private channelEvent(channel: StreamEmulatorChannel, type: string, userId: string): Json {
    return {
      type,
      cid: channel.cid,
      channel_id: channel.id,
      channel_type: channel.type,
      user: this.userResponse(userId),
      created_at: new Date().toISOString(),
    };
  }

  /** POST /channels/:type/:id/read: marks the channel read for the user, up to `message_id` or its last message. */
  markRead(type: string, id: string, body: Json, caller: Caller): ChannelEventResult {
    const { channel, userId } = this.memberAction(type, id, caller, body, 'ReadChannel');
    const messageId = body.message_id ?? channel.messages.at(-1)?.id;
    if (messageId !== undefined && typeof messageId !== 'string')
      throw inputError('message_id must be a string');
    if (messageId !== undefined && !channel.messages.some((m) => m.id === messageId))
      throw doesNotExist(`message with id ${messageId} does not exist`);
    const event = this.channelEvent(channel, 'message.read', userId);
    channel.reads[userId] = {
      last_read: event.created_at as string,
      ...(messageId ? { last_read_message_id: messageId } : {}),
    };
    if (messageId) event.last_read_message_id = messageId;
    return { channel, event, userId };
  }

  /**
   * POST /channels/:type/:id/event: typing events and custom events, which Stream relays to the channel's
   * watchers; the types Stream itself emits (`message.new`, `member.added`…) cannot be sent.
   */
  sendEvent(type: string, id: string, body: Json, caller: Caller): ChannelEventResult {
    const sent = body.event;
    if (!isObject(sent) || typeof sent.type !== 'string' || sent.type === '')
      throw inputError('event.type is a required field');
    const typing = sent.type === 'typing.start' || sent.type === 'typing.stop';
    if (!typing && RESERVED_EVENT_PREFIXES.some((p) => (sent.type as string).startsWith(p)))
      throw inputError(`event type ${sent.type} is reserved and cannot be sent`);
    const { channel, userId } = this.memberAction(
      type,
      id,
      caller,
      sent,
      typing ? 'SendTypingEvents' : 'SendCustomEvent',
      'event.',
    );
    const { user: _user, user_id: _userId, ...custom } = sent;
    return { channel, event: { ...custom, ...this.channelEvent(channel, sent.type, userId) }, userId };
  }

  /** POST /channels/:type/:id/message */
  sendMessage(
    type: string,
    id: string,
    body: Json,
    caller: Caller,
  ): { channel: StreamEmulatorChannel; message: Json; authorId: string } {
    const message = body.message;
    if (!isObject(message)) throw inputError('message is a required field');
    const { channel, userId } = this.memberAction(type, id, caller, message, 'SendMessage', 'message.');
    if (Array.isArray(message.attachments) && message.attachments.length > 0) {
      throw inputError('attachments are not supported by the Stream emulator');
    }
    if (message.parent_id !== undefined)
      throw inputError('replies (parent_id) are not supported by the Stream emulator');
    const text = message.text ?? '';
    if (typeof text !== 'string' || text.trim() === '') throw inputError('message.text is required');
    if (text.length > MAX_MESSAGE_LENGTH) {
      throw new StreamApiError(
        400,
        20,
        `message is too long: ${text.length} characters, the maximum is ${MAX_MESSAGE_LENGTH}`,
      );
    }
    const messageId = message.id === undefined ? randomUUID() : message.id;
    if (typeof messageId !== 'string' || !/^[\w-]{1,255}$/.test(messageId))
      throw inputError('message.id is not valid');
    for (const c of this.state.channels.values()) {
      if (c.messages.some((m) => m.id === messageId)) {
        throw inputError(`a message with ID ${messageId} already exists`);
      }
    }
    const stored: StreamEmulatorMessage = {
      id: messageId,
      user_id: userId,
      text,
      created_at: new Date().toISOString(),
    };
    channel.messages.push(stored);
    return { channel, message: this.messageResponse(channel, stored), authorId: userId };
  }
}
