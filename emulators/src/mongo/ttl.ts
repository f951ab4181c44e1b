import { fail } from './errors';
import type { Collection, Index, Store } from './store';
import type { Doc } from './values';

/** mongod's default pause between two passes of its TTL monitor (`ttlMonitorSleepSecs`). */
const DEFAULT_SLEEP_SECS = 60;

/**
 * The moment a document expires under a TTL index: the earliest date of the indexed field (an array may hold
 * several) plus expireAfterSeconds; never for a document without a date there or outside a partial index.
 */
function expiresAt(index: Index, doc: Doc): number | undefined {
  const dates = index
    .keysOf(doc)
    .flatMap((k) => k.values)
    .filter((v): v is Date => v instanceof Date);
  if (dates.length === 0) return undefined;
  return Math.min(...dates.map((d) => d.getTime())) + Number(index.spec.expireAfterSeconds) * 1000;
}

/** TTL indexes are single-field indexes with a numeric expireAfterSeconds (mongod ignores it on compound ones). */
const ttlIndexes = (coll: Collection): Index[] =>
  coll.indexes.filter((i) => typeof i.spec.expireAfterSeconds === 'number' && i.fields.length === 1);

/**
 * mongod's TTL monitor: a background pass every `ttlMonitorSleepSecs` (60 by default, set with `setParameter` on
 * the admin database as on mongod) deletes the documents whose TTL index date has passed. As on mongod, an
 * expired document stays readable until the next pass.
 */
export class TtlMonitor {
  private sleepSecs = DEFAULT_SLEEP_SECS;
  private enabled = true;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    this.stop();
    // unref: a pending pass never keeps a process alive.
    this.timer = setTimeout(() => {
      if (this.enabled) this.sweep();
      this.start();
    }, this.sleepSecs * 1000).unref();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /** One pass: deletes every expired document, returns how many. */
  sweep(now = Date.now()): number {
    let deleted = 0;
    for (const database of this.store.databases.values()) {
      for (const coll of database.collections.values()) {
        for (const index of ttlIndexes(coll)) {
          for (const doc of coll.all()) {
            // all() is taken per index: a document one index removed is gone
            const at = expiresAt(index, doc);
            if (at !== undefined && at <= now) {
              coll.remove(doc);
              deleted++;
            }
          }
        }
      }
    }
    if (deleted) this.log(`mongo emulator: TTL monitor deleted ${deleted} expired documents`);
    return deleted;
  }

  /** `{ setParameter: 1, ttlMonitorSleepSecs?, ttlMonitorEnabled? }`: answers the previous value as `was`. */
  setParameter(cmd: Doc, db: string): Doc {
    if (db !== 'admin') fail('Unauthorized', 'setParameter may only be run against the admin database.');
    const names = Object.keys(cmd).filter((k) => k !== 'setParameter' && !k.startsWith('$') && k !== 'lsid');
    if (names.length === 0) fail('BadValue', 'no option found to set, use help:true to see options');
    const reply: Doc = { ok: 1 };
    for (const name of names) {
      const value = cmd[name];
      if (name === 'ttlMonitorSleepSecs') {
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
          fail('BadValue', 'ttlMonitorSleepSecs must be a positive integer');
        reply.was = this.sleepSecs;
        this.sleepSecs = value;
        this.start(); // the new pause applies from now
      } else if (name === 'ttlMonitorEnabled') {
        if (typeof value !== 'boolean') fail('BadValue', 'ttlMonitorEnabled must be a boolean');
        reply.was = this.enabled;
        this.enabled = value;
      } else {
        fail(
          'InvalidOptions',
          `attempted to set unrecognized parameter [${name}], use help:true to see options`,
        );
      }
    }
    return reply;
  }

  /** `{ getParameter: 1, ttlMonitorSleepSecs: 1 }`. */
  getParameter(cmd: Doc, db: string): Doc {
    if (db !== 'admin') fail('Unauthorized', 'getParameter may only be run against the admin database.');
    const reply: Doc = {};
    if ('ttlMonitorSleepSecs' in cmd) reply.ttlMonitorSleepSecs = this.sleepSecs;
    if ('ttlMonitorEnabled' in cmd) reply.ttlMonitorEnabled = this.enabled;
    if (Object.keys(reply).length === 0) fail('InvalidOptions', 'no option found to get');
    return { ...reply, ok: 1 };
  }
}
