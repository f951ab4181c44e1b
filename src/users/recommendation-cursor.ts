import {
  decodePageCursor,
  encodePageCursor,
  isDateMs,
  isObjectIdString,
  newestFirstAfter,
} from '../common/page-cursor';

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
  encodePageCursor([c.tier, c.createdAt.getTime(), c.id]);

export const decodeCursor = (raw: string): RecommendationCursor =>
  decodePageCursor(raw, ([tier, createdAt, id, ...rest]) =>
    TIERS.includes(tier as Tier) && isDateMs(createdAt) && isObjectIdString(id) && rest.length === 0
      ? { tier: tier as Tier, createdAt: new Date(createdAt), id }
      : undefined,
  );

/** Candidates strictly after the cursor within its tier (the same order the query sorts by). */
export const afterCursor = (c: RecommendationCursor): Record<string, unknown> => newestFirstAfter(c);
