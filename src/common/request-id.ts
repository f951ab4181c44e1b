// Only the request-scoped store of nestjs-pino (a plain AsyncLocalStorage), not the logger itself: the CLI reads
// this too and never loads pino.
import { storage } from 'nestjs-pino/storage';

/** The field that carries the request id on every line logged while serving a request (logging.module.ts). */
export const REQUEST_ID_KEY = 'requestId';

/** The id of the request being served, as its log lines carry it; undefined outside a request (CLI, workers). */
export function currentRequestId(): string | undefined {
  const id: unknown = storage.getStore()?.logger.bindings()[REQUEST_ID_KEY];
  return typeof id === 'string' ? id : undefined;
}
