import { ExpiringCache } from './expiring-cache';

describe('ExpiringCache', () => {
  it('reuses an answer, null included, until its time is up', () => {
    const cache = new ExpiringCache<string | null>(1000);
    cache.set('a', null, 0);
    expect(cache.get('a', 999)).toBeNull();
    expect(cache.get('a', 1000)).toBeUndefined();
  });

  it('keeps nothing when caching is off (0)', () => {
    const cache = new ExpiringCache<string>(0);
    cache.set('a', 'x', 0);
    expect(cache.get('a', 0)).toBeUndefined();
  });

  it('forgets one key, or every key whose answer matches', () => {
    const cache = new ExpiringCache<string>(1000);
    cache.set('s1', 'alice', 0);
    cache.set('s2', 'alice', 0);
    cache.set('s3', 'bob', 0);
    cache.delete('s3');
    cache.deleteWhere((key, owner) => owner === 'alice' && key !== 's2');
    expect([cache.get('s1', 1), cache.get('s2', 1), cache.get('s3', 1)]).toEqual([
      undefined,
      'alice',
      undefined,
    ]);
  });
});
