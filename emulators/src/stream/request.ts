import { inputError } from './errors';

/** Parsing helpers for request bodies and query payloads, shared by the store and the feature modules. */
export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string');

/** A JSON body or `payload` query parameter, which must hold an object. */
export function parseJsonObject(text: string, what: string): Json {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw inputError(`${what} is not valid JSON`);
  }
  if (!isObject(parsed)) throw inputError(`${what} must be a JSON object`);
  return parsed;
}

/** The `payload` query parameter of Stream's GET queries (QueryUsers, QueryBannedUsers). */
export function payloadParam(query: URLSearchParams): Json {
  const payload = query.get('payload');
  if (payload === null) throw inputError('payload is a required query parameter');
  return parseJsonObject(payload, 'payload');
}

/** Stream's Go handlers print lists as `[a b]`. */
export const goList = (ids: string[]): string => `[${ids.join(' ')}]`;

const RANGE_OPS: Record<string, (v: string, bound: string) => boolean> = {
  $gt: (v, b) => v > b,
  $gte: (v, b) => v >= b,
  $lt: (v, b) => v < b,
  $lte: (v, b) => v <= b,
};

/**
 * One id-like filter (`'x'`, `{ $eq: 'x' }`, `{ $in: [...] }`, `{ $gt: 'x', $lte: 'y' }` for keyset paging) as a
 * predicate; any other operator is refused loudly rather than ignored.
 */
export function idPredicate(field: string, cond: unknown): (value: string) => boolean {
  if (typeof cond === 'string') return (v) => v === cond;
  if (isObject(cond) && Object.keys(cond).length > 0) {
    const checks = Object.entries(cond).map(([op, arg]): ((v: string) => boolean) => {
      if (op === '$eq' && typeof arg === 'string') return (v) => v === arg;
      if (op === '$in' && isStringArray(arg)) {
        const set = new Set(arg);
        return (v) => set.has(v);
      }
      if (Object.hasOwn(RANGE_OPS, op) && typeof arg === 'string') return (v) => RANGE_OPS[op](v, arg);
      throw inputError(
        `invalid filter on field "${field}": the Stream emulator supports a string or $eq, $in, $gt, $gte, $lt, $lte with strings here, not ${op}`,
      );
    });
    return (v) => checks.every((check) => check(v));
  }
  throw inputError(`invalid filter on field "${field}"`);
}

export function parseSort(sort: unknown, allowed: string[]): { field: string; direction: number }[] {
  if (sort === undefined || sort === null) return [];
  if (!Array.isArray(sort)) throw inputError('sort must be an array');
  return sort.map((entry: unknown) => {
    if (!isObject(entry) || typeof entry.field !== 'string') throw inputError('sort entries need a field');
    if (!allowed.includes(entry.field)) {
      throw inputError(
        `sort by "${entry.field}" is not supported by the Stream emulator (supported: ${allowed.join(', ')})`,
      );
    }
    return { field: entry.field, direction: entry.direction === -1 ? -1 : 1 };
  });
}

export function paging(
  opts: Json,
  defaultLimit: number,
  maxLimit: number,
  maxOffset: number,
): { limit: number; offset: number } {
  const limit = opts.limit === undefined ? defaultLimit : opts.limit;
  const offset = opts.offset === undefined ? 0 : opts.offset;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > maxLimit) {
    throw inputError(`limit must be an integer between 0 and ${maxLimit}`);
  }
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || offset > maxOffset) {
    throw inputError(`offset must be an integer between 0 and ${maxOffset}`);
  }
  return { limit: limit === 0 ? defaultLimit : limit, offset };
}

export function compareBy(
  sort: { field: string; direction: number }[],
  pick: (x: string, field: string) => string,
) {
  return (a: string, b: string): number => {
    for (const { field, direction } of sort) {
      const av = pick(a, field);
      const bv = pick(b, field);
      if (av !== bv) return av < bv ? -direction : direction;
    }
    return 0;
  };
}
