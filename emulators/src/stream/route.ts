import type { Json } from './request';
import type { Caller } from './tokens';

/** Key under which a handler reports its outcome for the request log; stripped before the response is sent. */
export const OUTCOME = '__emulator_outcome';
/** Key under which an upsert reports the user ids it wrote, for the request log; stripped like OUTCOME. */
export const USER_IDS = '__emulator_user_ids';

/** One authenticated API request, as a route handler sees it. */
export interface Context {
  caller: Caller;
  params: string[];
  query: URLSearchParams;
  body: Json;
}

export interface Route {
  method: string;
  pattern: RegExp;
  /** Stream's handler name, used in error messages (`UpdateUsers failed with error: "…"`). */
  endpoint: string;
  serverOnly?: boolean;
  rateLimited?: boolean;
  handle(ctx: Context): Json;
}
