import { BadRequestException } from '@nestjs/common';
import { Query } from 'mingo';
import { decodeCursor, encodeCursor, Tier, TIERS, tierFilter } from './recommendation-cursor';

describe('tierFilter', () => {
  const me = { nativeLanguage: 'english', learningLanguage: 'spanish' };
  // Evaluated with a MongoDB query engine: the filter the recommendations query really sends.
  const tiersMatching = (candidate: { nativeLanguage: string; learningLanguage: string }) =>
    TIERS.filter((tier) => new Query(tierFilter(me, tier)).test(candidate));

  it.each<[string, string, Tier]>([
    ['spanish', 'english', 0],
    ['spanish', 'german', 1],
    ['german', 'english', 1],
    ['german', 'french', 2],
    ['english', 'spanish', 2],
  ])('puts native %s / learning %s in tier %i, and in no other', (nativeLanguage, learningLanguage, tier) => {
    expect(tiersMatching({ nativeLanguage, learningLanguage })).toEqual([tier]);
  });
});

describe('recommendation cursor', () => {
  it('round-trips tier, createdAt and id through an opaque url-safe string', () => {
    const cursor = { tier: 1 as Tier, createdAt: new Date('2024-05-01T10:00:00.123Z'), id: 'a'.repeat(24) };
    const raw = encodeCursor(cursor);
    expect(raw).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(raw)).toEqual(cursor);
  });

  it.each([
    ['not base64 json', '!!!'],
    ['an object', Buffer.from('{"tier":1}').toString('base64url')],
    ['a bad tier', Buffer.from(JSON.stringify([3, 0, 'a'.repeat(24)])).toString('base64url')],
    ['a non-integer time', Buffer.from(JSON.stringify([0, 1.5, 'a'.repeat(24)])).toString('base64url')],
    ['a bad id', Buffer.from(JSON.stringify([0, 0, 'xyz'])).toString('base64url')],
    // A safe integer, but past what a Date holds: it used to reach the query as Invalid Date (a 500).
    ['a time before the earliest Date', 'WzAsLTg2NDAwMDAwMDAwMDAwMDEsIjAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMCJd'],
    [
      'a time after the latest Date',
      Buffer.from(JSON.stringify([0, 8.64e15 + 1, 'a'.repeat(24)])).toString('base64url'),
    ],
    ['extra fields', Buffer.from(JSON.stringify([0, 0, 'a'.repeat(24), 1])).toString('base64url')],
  ])('refuses %s with a 400 Invalid cursor', (_, raw) => {
    expect(() => decodeCursor(raw)).toThrow(new BadRequestException('Invalid cursor'));
  });

  it('accepts the extreme times a Date holds', () => {
    const earliest = { tier: 0 as Tier, createdAt: new Date(-8.64e15), id: 'a'.repeat(24) };
    expect(decodeCursor(encodeCursor(earliest))).toEqual(earliest);
  });
});
