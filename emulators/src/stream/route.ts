import type { Json } from './request';
import type { Caller } from './tokens';

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
