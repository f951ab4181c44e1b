import type { EmulatorClock } from './clock';
import { doesNotExist, inputError, notAllowed, StreamApiError } from './errors';
import { compareBy, idPredicate, isObject, paging, parseSort, payloadParam, type Json } from './request';
import type { Route } from './route';
import type { StreamStore } from './store';
import type { Caller } from './tokens';
import type { StreamEmulatorBan } from './types';

/** Global roles granted `ban-user` by default (docs, permissions reference, "Default Grants"). */
const BANNING_ROLES = new Set(['admin', 'moderator', 'global_admin', 'global_moderator']);
/** What a banned user's SendMessage answers (403, code 17), as real Stream does (GetStream/stream-chat-flutter#888). */
const SUSPENDED =
  'Sorry, you do not have access to this feature. Your account is currently suspended from chat.';
/** Ban options with effects the emulator does not model; it refuses them rather than ignore them. */
const UNSUPPORTED_BAN_OPTIONS = [
  'shadow',
  'ip_ban',
  'ban_from_future_channels',
  'delete_messages',
  'delete_reactions',
];
const CHANNEL_SCOPE = ['type', 'id', 'channel_cid'];

const given = (v: unknown): boolean => v !== undefined && v !== null && v !== false && v !== 'false';
const userIdOf = (v: unknown): unknown => (isObject(v) ? v.id : undefined);

/**
 * Stream's moderation endpoints: global bans (POST and DELETE /moderation/ban, GET /query_banned_users) and flags
 * (POST /moderation/flag).
 *
 * Bans as Stream documents them (stream-cli `chat ban-user`, "Ban Users"): a banned user may still connect and
 * read, but sending a message fails with code 17 until the ban is removed or expires; user objects show
 * `banned: true` and, for a timed ban, `ban_expires`. `timeout` is in minutes and expiry is checked on every read
 * against the emulator's clock (`emu.clock.advance`). An expired ban stays listed by QueryBannedUsers unless
 * `exclude_expired_bans`. Channel bans (`type`/`id`, `channel_cid`) and shadow, IP and future-channel bans are
 * refused loudly. Whether Stream also refuses a banned user's server-side SendMessage is not documented: the
 * emulator only refuses the user's own (client-side) sends.
 */
export class Moderation {
  /** Bans ever issued per user since the last reset (`total_bans` of user.banned). */
  private readonly totalBans = new Map<string, number>();

  constructor(
    private readonly store: StreamStore,
    private readonly clock: EmulatorClock,
    private readonly emit: (event: Json) => void,
  ) {}

  reset(): void {
    this.totalBans.clear();
  }

  routes(): Route[] {
    return [
      {
        method: 'POST',
        pattern: /^\/moderation\/ban$/,
        endpoint: 'Ban',
        handle: (ctx) => this.ban(ctx.body, ctx.caller),
      },
      {
        method: 'DELETE',
        pattern: /^\/moderation\/ban$/,
        endpoint: 'Unban',
        handle: (ctx) => this.unban(Object.fromEntries(ctx.query), ctx.caller),
      },
      {
        method: 'GET',
        pattern: /^\/query_banned_users$/,
        endpoint: 'QueryBannedUsers',
        handle: (ctx) => this.queryBannedUsers(payloadParam(ctx.query)),
      },
      {
        method: 'POST',
        pattern: /^\/moderation\/flag$/,
        endpoint: 'Flag',
        handle: (ctx) => this.flag(ctx.body, ctx.caller),
      },
    ];
  }

  /** The fields a user response carries while the user is banned. */
  userFields(userId: string): Json {
    const ban = this.activeBan(userId);
    if (!ban) return {};
    return { banned: true, ...(ban.expires ? { ban_expires: ban.expires } : {}) };
  }

  /** Called before a user's own SendMessage. */
  assertMaySend(userId: string): void {
    if (this.activeBan(userId)) throw new StreamApiError(403, 17, SUSPENDED);
  }

  private get bans(): Map<string, StreamEmulatorBan> {
    return this.store.state.bans;
  }

  private activeBan(userId: string): StreamEmulatorBan | undefined {
    const ban = this.bans.get(userId);
    return ban && !this.expired(ban) ? ban : undefined;
  }

  private expired(ban: StreamEmulatorBan): boolean {
    return ban.expires !== undefined && Date.parse(ban.expires) <= this.clock.now();
  }

  /**
   * Who bans or unbans: a connected admin or moderator, or the user a server-side call names. A server-side ban
   * must name one (Stream's answer otherwise, GetStream/stream-chat-js#113); Stream's docs unban without one.
   */
  private moderator(caller: Caller, named: unknown, required: boolean): string | undefined {
    if (caller.kind === 'user') {
      const role = this.store.roleOf(caller.userId);
      if (!BANNING_ROLES.has(role)) {
        throw notAllowed(
          `User '${caller.userId}' with role '${role}' is not allowed to perform action BanUser`,
        );
      }
      return caller.userId;
    }
    if (named === undefined && !required) return undefined;
    if (typeof named !== 'string' || named === '') {
      throw inputError('either user or user_id must be provided when using server side auth.');
    }
    if (!this.store.state.users.has(named)) throw inputError(`user "${named}" does not exist`);
    return named;
  }

  private target(params: Json): string {
    const id = params.target_user_id;
    if (typeof id !== 'string' || id === '') throw inputError('target_user_id is a required field');
    if (CHANNEL_SCOPE.some((k) => params[k] !== undefined)) {
      throw inputError('channel bans (type and id, or channel_cid) are not supported by the Stream emulator');
    }
    if (!this.store.state.users.has(id)) throw doesNotExist(`user "${id}" does not exist`);
    return id;
  }

  /** POST /moderation/ban: bans again over an existing ban (its reason and expiry are replaced). */
  ban(body: Json, caller: Caller): Json {
    const target = this.target(body);
    const unsupported = UNSUPPORTED_BAN_OPTIONS.find((k) => given(body[k]));
    if (unsupported) throw inputError(`${unsupported} is not supported by the Stream emulator`);
    const named = body.banned_by_id ?? userIdOf(body.banned_by) ?? body.user_id ?? userIdOf(body.user);
    const bannedBy = this.moderator(caller, named, true) as string;
    const { timeout, reason } = body;
    if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1)) {
      throw inputError('timeout must be a positive integer (minutes)');
    }
    if (reason !== undefined && typeof reason !== 'string') throw inputError('reason must be a string');
    const now = this.clock.now();
    const ban: StreamEmulatorBan = {
      user_id: target,
      banned_by_id: bannedBy,
      ...(reason ? { reason } : {}),
      ...(timeout ? { timeout, expires: new Date(now + timeout * 60_000).toISOString() } : {}),
      created_at: new Date(now).toISOString(),
    };
    this.bans.delete(target);
    this.bans.set(target, ban);
    this.totalBans.set(target, (this.totalBans.get(target) ?? 0) + 1);
    this.emit({
      type: 'user.banned',
      user: this.store.userResponse(target),
      created_by: this.store.userResponse(bannedBy),
      ...(reason ? { reason } : {}),
      ...(ban.expires ? { expiration: ban.expires } : {}),
      shadow: false,
      total_bans: this.totalBans.get(target),
      created_at: ban.created_at,
    });
    return {};
  }

  /** DELETE /moderation/ban?target_user_id=…: unbanning a user who is not banned changes nothing. */
  unban(query: Json, caller: Caller): Json {
    const target = this.target(query);
    if (given(query.shadow)) throw inputError('shadow is not supported by the Stream emulator');
    const by = this.moderator(caller, query.created_by ?? query.user_id, false);
    if (this.bans.delete(target)) {
      this.emit({
        type: 'user.unbanned',
        user: this.store.userResponse(target),
        ...(by ? { created_by: this.store.userResponse(by) } : {}),
        shadow: false,
      });
    }
    return {};
  }

  /** GET /query_banned_users: filters on user_id, banned_by_id and channel_cid (no ban here has one). */
  queryBannedUsers(payload: Json): Json {
    const filter = payload.filter_conditions ?? {};
    if (!isObject(filter)) throw inputError('filter_conditions must be an object');
    const predicates = Object.entries(filter).map(([field, cond]) => {
      if (field !== 'user_id' && field !== 'banned_by_id' && field !== 'channel_cid') {
        throw inputError(
          `filter on "${field}" is not supported by the Stream emulator (supported: user_id, banned_by_id, channel_cid)`,
        );
      }
      const match = idPredicate(field, cond);
      return (ban: StreamEmulatorBan): boolean => field !== 'channel_cid' && match(ban[field]);
    });
    const excludeExpired = payload.exclude_expired_bans === true;
    const sort = parseSort(payload.sort, ['created_at']);
    const { limit, offset } = paging(payload, 25, 300, 10000);
    const found = [...this.bans.values()].filter(
      (ban) => !(excludeExpired && this.expired(ban)) && predicates.every((p) => p(ban)),
    );
    if (sort.length) {
      const byField = compareBy(sort, (id) => this.bans.get(id)?.created_at ?? '');
      found.sort((a, b) => byField(a.user_id, b.user_id));
    }
    return {
      bans: found.slice(offset, offset + limit).map((ban) => ({
        user: this.store.userResponse(ban.user_id),
        banned_by: this.store.userResponse(ban.banned_by_id),
        created_at: ban.created_at,
        ...(ban.expires ? { expires: ban.expires } : {}),
        ...(ban.reason ? { reason: ban.reason } : {}),
        shadow: false,
      })),
    };
  }

  /** POST /moderation/flag: a user flags a message or another user; Stream then emits the matching event. */
  flag(body: Json, caller: Caller): Json {
    const { state } = this.store;
    const flagger = this.store.actingUser(caller, body);
    const reason = typeof body.reason === 'string' ? body.reason : undefined;
    const createdAt = new Date().toISOString();
    const common = {
      created_at: createdAt,
      updated_at: createdAt,
      created_by_automod: false,
      user: this.store.userResponse(flagger),
      ...(reason ? { reason } : {}),
    };
    if (typeof body.target_message_id === 'string') {
      const messageId = body.target_message_id;
      const found = [...state.channels.values()]
        .map((channel) => ({ channel, message: channel.messages.find((m) => m.id === messageId) }))
        .find((x) => x.message !== undefined);
      if (!found?.message) throw doesNotExist(`message with id "${messageId}" does not exist`);
      state.flags.push({ user_id: flagger, target_message_id: messageId, reason, created_at: createdAt });
      this.emit({
        type: 'message.flagged',
        cid: found.channel.cid,
        channel_type: found.channel.type,
        channel_id: found.channel.id,
        message: this.store.messageResponse(found.channel, found.message),
        user: this.store.userResponse(flagger),
        total_flags: state.flags.filter((f) => f.target_message_id === messageId).length,
      });
      return {
        flag: {
          ...common,
          target_message_id: messageId,
          channel_cid: found.channel.cid,
          message_user_id: found.message.user_id,
        },
      };
    }
    if (typeof body.target_user_id === 'string') {
      const target = body.target_user_id;
      if (!state.users.has(target)) throw doesNotExist(`user "${target}" does not exist`);
      state.flags.push({ user_id: flagger, target_user_id: target, reason, created_at: createdAt });
      this.emit({
        type: 'user.flagged',
        user: this.store.userResponse(flagger),
        target_user: this.store.userResponse(target),
        total_flags: state.flags.filter((f) => f.target_user_id === target).length,
      });
      return { flag: { ...common, target_user: this.store.userResponse(target) } };
    }
    throw inputError('either target_message_id or target_user_id is required');
  }
}
