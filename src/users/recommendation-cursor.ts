import { BadRequestException } from '@nestjs/common';
import { OBJECT_ID_PATTERN } from '../common/object-id';
import { Types } from 'mongoose';

/**
 * Language-exchange ranking of a candidate for me: 0 = a perfect partner (speaks what I learn and learns what I
 * speak), 1 = one of the two, 2 = everyone else.
 */
export type Tier = 0 | 1 | 2;
export const TIERS: readonly Tier[] = [0, 1, 2];

export interface Languages {
  nativeLanguage: string;
  learningLanguage: string;
}

/** The MongoDB filter selecting exactly the candidates of `tier` for me. */
export const tierFilter = (me: Languages, tier: Tier): Record<string, unknown> => {
  const L = me.learningLanguage;
  const N = me.nativeLanguage;
  if (tier === 0) return { nativeLanguage: L, learningLanguage: N };
  if (tier === 1)
    return {
      $or: [
        { nativeLanguage: L, learningLanguage: { $ne: N } },
        { nativeLanguage: { $ne: L }, learningLanguage: N },
      ],
    };
  return { nativeLanguage: { $ne: L }, learningLanguage: { $ne: N } };
};

/** Where the previous page ended, in the order (tier asc, createdAt desc, _id desc). */
export interface RecommendationCursor {
  tier: Tier;
  createdAt: Date;
  id: string;
}

/** Opaque to clients: base64url of a small JSON array. */
export const encodeCursor = (c: RecommendationCursor): string =>
  Buffer.from(JSON.stringify([c.tier, c.createdAt.getTime(), c.id])).toString('base64url');

export const decodeCursor = (raw: string): RecommendationCursor => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 3 &&
    TIERS.includes(parsed[0] as Tier) &&
    Number.isSafeInteger(parsed[1]) &&
    typeof parsed[2] === 'string' &&
    OBJECT_ID_PATTERN.test(parsed[2])
  )
    return { tier: parsed[0] as Tier, createdAt: new Date(parsed[1] as number), id: parsed[2] };
  throw new BadRequestException('Invalid cursor');
};

/** Candidates strictly after the cursor within its tier (the same order the query sorts by). */
export const afterCursor = (c: RecommendationCursor): Record<string, unknown> => ({
  $or: [
    { createdAt: { $lt: c.createdAt } },
    { createdAt: c.createdAt, _id: { $lt: new Types.ObjectId(c.id) } },
  ],
});
