import { BadRequestException } from '@nestjs/common';
import { Types } from 'mongoose';
import { OBJECT_ID_PATTERN } from './object-id';

/** The largest time a JS Date holds (±100,000,000 days around 1970): past it `new Date(ms)` is Invalid Date. */
export const MAX_DATE_MS = 8.64e15;

/** A millisecond timestamp a Date (and MongoDB) can hold. */
export const isDateMs = (v: unknown): v is number =>
  Number.isSafeInteger(v) && Math.abs(v as number) <= MAX_DATE_MS;

export const isObjectIdString = (v: unknown): v is string =>
  typeof v === 'string' && OBJECT_ID_PATTERN.test(v);

/** One page of a list (its response body), and the cursor of the next one when there is more (a Link header). */
export interface Page<T> {
  items: T;
  next?: string;
}

/** Where a newest-first page (createdAt desc, _id desc) ended. */
export interface Position {
  createdAt: Date;
  id: string;
}

/** The documents strictly after `p` in newest-first order (the order such lists sort by). */
export const newestFirstAfter = (p: Position): Record<string, unknown> => ({
  $or: [
    { createdAt: { $lt: p.createdAt } },
    { createdAt: p.createdAt, _id: { $lt: new Types.ObjectId(p.id) } },
  ],
});

/** Where a page ended, opaque to clients: base64url of a small JSON array. */
export const encodePageCursor = (fields: unknown[]): string =>
  Buffer.from(JSON.stringify(fields)).toString('base64url');

/**
 * Decodes a cursor and range-checks every field with `read` (undefined = not a cursor of this list): anything
 * else is a 400 `Invalid cursor`, never a query with a bad value in it.
 */
export function decodePageCursor<T>(raw: string, read: (fields: unknown[]) => T | undefined): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const cursor = Array.isArray(parsed) ? read(parsed) : undefined;
  if (cursor === undefined) throw new BadRequestException('Invalid cursor');
  return cursor;
}

/** The page size asked for, else `fallback`, refused past the configured maximum. */
export function pageLimit(requested: number | undefined, fallback: number, max: number): number {
  const limit = requested ?? Math.min(fallback, max);
  if (limit > max) throw new BadRequestException(`limit must not be greater than ${max}`);
  return limit;
}

/** The cursor of a single newest-first list: where its last page ended. */
export const encodePosition = (p: Position): string => encodePageCursor([p.createdAt.getTime(), p.id]);

export const decodePosition = (raw: string): Position =>
  decodePageCursor(raw, ([ms, id, ...rest]) =>
    rest.length === 0 && isDateMs(ms) && isObjectIdString(id) ? { createdAt: new Date(ms), id } : undefined,
  );

/**
 * One newest-first page from documents fetched with `limit + 1` (the extra one only tells that more exist):
 * the page, and the cursor of the next one.
 */
export function newestFirstPage<T extends { _id: { toString(): string }; createdAt: Date }>(
  docs: T[],
  limit: number,
): Page<T[]> {
  const items = docs.slice(0, limit);
  const last = items[items.length - 1];
  const more = docs.length > limit && last !== undefined;
  return {
    items,
    next: more ? encodePosition({ createdAt: last.createdAt, id: last._id.toString() }) : undefined,
  };
}
