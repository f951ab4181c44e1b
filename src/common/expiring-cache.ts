/** Bound on an in-process cache: past it the cache starts over (cheaper than tracking recency on a hot path). */
const MAX_ENTRIES = 10_000;

/**
 * Answers reused for `ttlMs` (0 disables caching): every cache of the app (the token hot path's session and
 * chat-token cut-off, the health checks' last answers). A change made on another instance is seen within ttlMs,
 * and at once on this one through `delete`.
 */
export class ExpiringCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(private readonly ttlMs: number) {}

  /** The cached answer, or undefined when there is none or it has expired. */
  get(key: string, now = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    return entry && entry.until > now ? entry.value : undefined;
  }

  set(key: string, value: V, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { value, until: now + this.ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every entry whose answer matches. */
  deleteWhere(matches: (key: string, value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (matches(key, entry.value)) this.entries.delete(key);
  }
}
