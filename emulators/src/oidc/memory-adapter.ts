import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/**
 * oidc-provider's storage (interactions, sessions, grants, codes, tokens) in one Map per emulator start. The
 * library's own memory adapter is not exported, and using it by default prints a "development only" warning on
 * every start; a stand-in is meant to forget everything when it stops. Lookups scan: a stand-in holds little.
 */
export function memoryAdapter(): AdapterFactory {
  const entries = new Map<string, Entry>();
  const live = (entry: Entry | undefined): AdapterPayload | undefined =>
    entry && entry.expiresAt > Date.now() ? entry.payload : undefined;

  return (model: string): Adapter => {
    const key = (id: string): string => `${model}:${id}`;
    const findWhere = (match: (payload: AdapterPayload) => boolean): AdapterPayload | undefined => {
      for (const [k, entry] of entries) {
        const payload = k.startsWith(`${model}:`) ? live(entry) : undefined;
        if (payload && match(payload)) return payload;
      }
      return undefined;
    };
    return {
      upsert(id, payload, expiresIn) {
        const now = Date.now();
        for (const [k, entry] of entries) if (entry.expiresAt <= now) entries.delete(k);
        entries.set(key(id), {
          payload,
          expiresAt: expiresIn === undefined ? Infinity : now + expiresIn * 1000,
        });
        return Promise.resolve();
      },
      find: (id) => Promise.resolve(live(entries.get(key(id)))),
      findByUid: (uid) => Promise.resolve(findWhere((p) => p.uid === uid)),
      findByUserCode: (userCode) => Promise.resolve(findWhere((p) => p.userCode === userCode)),
      consume(id) {
        const payload = live(entries.get(key(id)));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
        return Promise.resolve();
      },
      destroy(id) {
        entries.delete(key(id));
        return Promise.resolve();
      },
      // A redeemed code presented again revokes what its grant issued (RFC 6749 4.1.2).
      revokeByGrantId(grantId) {
        for (const [k, entry] of entries) if (entry.payload.grantId === grantId) entries.delete(k);
        return Promise.resolve();
      },
    };
  };
}
