/**
 * Stream Chat emulator: an HTTP + WebSocket stand-in for Stream's server, for development and tests.
 *
 * Implemented (auth as Stream: `api_key` query parameter + HS256 JWT in `Authorization`, Stream's error envelope):
 *   GET    /app                             GetApp (health probe)
 *   POST   /users                           UpdateUsers (upsert, replace semantics, max 100)
 *   PATCH  /users                           UpdateUsersPartial (set/unset, revoke_tokens_issued_before)
 *   GET    /users?payload=…                 QueryUsers (filters: {} or id as string/$eq/$in)
 *   POST   /users/delete                    DeleteUsers → { task_id }
 *   GET    /tasks/:id                       GetTask (pending → running → completed after taskDelayMs)
 *   POST   /channels/:type/:id/query        GetOrCreateChannel (create/query/watch)
 *   POST   /channels                        QueryChannels (type, id, cid, members $in)
 *   POST   /channels/:type/:id/message      SendMessage
 *   WS     /connect                         connectUser (also on :8800 when HTTP is on :3030, or on `wsPort`)
 * Anything else answers 501 with code 4 in Stream's error shape instead of pretending to succeed.
 *
 * Admin endpoints (no auth, not counted in `requests`, reachable while connections are refused):
 *   GET  /_emulator/state    users, deletedUserIds, channels, requests, connections, faults
 *   POST /_emulator/reset    clears state and faults
 *   POST /_emulator/faults   JSON { failNext?, status?, latencyMs?, refuse?, rateLimitPerMinute? }
 */
export { startStreamEmulator } from './server';
export { StreamApiError } from './errors';
export type {
  StartStreamEmulatorOptions,
  StreamEmulator,
  StreamEmulatorChannel,
  StreamEmulatorFaults,
  StreamEmulatorMessage,
  StreamEmulatorRequest,
  StreamEmulatorState,
  StreamEmulatorUser,
} from './types';
