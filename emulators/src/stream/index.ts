/**
 * Stream Chat emulator: an HTTP + WebSocket stand-in for Stream's server, for development and tests.
 *
 * Implemented (auth as Stream: `api_key` query parameter + HS256 JWT in `Authorization`, Stream's error envelope):
 *   GET    /app                             GetApp (health probe)
 *   POST   /users                           UpdateUsers (upsert, replace semantics, max 100; built-in global roles)
 *   PATCH  /users                           UpdateUsersPartial (set/unset, revoke_tokens_issued_before, role)
 *   GET    /users?payload=…                 QueryUsers (filters: {} or id as string/$eq/$in)
 *   POST   /users/delete                    DeleteUsers → { task_id }
 *   GET    /tasks/:id                       GetTask (pending → running → completed after taskDelayMs)
 *   POST   /channels/:type/:id/query        GetOrCreateChannel (create/query/watch)
 *   POST   /channels                        QueryChannels (type, id, cid, members $in)
 *   POST   /channels/:type/:id/message      SendMessage
 *   POST   /users/block, /users/unblock     BlockUsers / UnblockUsers (user-to-user blocks, see store.ts "Blocks")
 *   GET    /users/block                     GetBlockedUsers
 *   POST   /moderation/flag                 Flag a message or a user (emits message.flagged / user.flagged)
 *   POST   /moderation/ban, DELETE …/ban    Ban / Unban, global bans only (moderation.ts; emit user.banned / unbanned)
 *   GET    /query_banned_users?payload=…    QueryBannedUsers (user_id, banned_by_id; exclude_expired_bans)
 *   POST   /users/:id/event                 SendUserCustomEvent, to every open WebSocket of the user (events.ts)
 *   POST   /export/users                    ExportUsers → { task_id }; the task's result is { url } of a JSON file
 *   POST   /channels/:type/:id/read         MarkRead (per-member read state, `read` in channel responses)
 *   POST   /channels/:type/:id/event        SendEvent (typing.start/stop and custom types, relayed to watchers)
 *   WS     /connect                         connectUser (also on :8800 when HTTP is on :3030, or on `wsPort`)
 * Anything else answers 501 with code 4 in Stream's error shape instead of pretending to succeed.
 *
 * Admin endpoints (no auth, not counted in `requests`, reachable while connections are refused):
 *   GET  /_emulator/state    users, deletedUserIds, channels, bans, requests, connections, faults, clock
 *   POST /_emulator/reset    clears state, faults and the clock's advance
 *   POST /_emulator/faults   JSON { failNext?, status?, latencyMs?, refuse?, rateLimitPerMinute?, taskDelayMs? }
 *   POST /_emulator/clock    JSON { advanceMs }: moves the clock bans expire by (also `emulator.clock.advance`)
 *   POST /_emulator/webhook  JSON { url?, timeoutMs?, totalBudgetMs?, retryDelayMs?, gzip? }: where events go
 *   POST /_emulator/webhook/events   JSON event ({ type, … }): signs and sends it, answers the delivery record
 *   GET  /_emulator/exports/:token/users.json   an export file (the URL a completed export task gives)
 *
 * Webhooks (webhooks.ts) are signed like Stream's: X-Signature = hex HMAC-SHA256 of the uncompressed body with the
 * app secret, X-Webhook-Id stable across retries, X-Webhook-Attempt from 1, X-Api-Key; Stream's retry policy and
 * 6 s per attempt (configurable). The emulator itself emits user.deleted (DeleteUsers), user.flagged and
 * message.flagged (Flag), user.banned and user.unbanned (Ban, Unban) and a copy of each custom user event when a
 * URL is configured; `emulator.webhooks.send(event)` sends any event in process.
 */
export { startStreamEmulator } from './server';
export { StreamApiError } from './errors';
export type {
  StartStreamEmulatorOptions,
  StreamEmulator,
  StreamEmulatorBan,
  StreamEmulatorBlock,
  StreamEmulatorChannel,
  StreamEmulatorClock,
  StreamEmulatorFaults,
  StreamEmulatorMessage,
  StreamEmulatorRequest,
  StreamEmulatorState,
  StreamEmulatorUser,
  StreamEmulatorWebhookConfig,
  StreamEmulatorWebhookDelivery,
  StreamEmulatorWebhooks,
} from './types';
