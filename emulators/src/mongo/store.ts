import { Long, UUID } from 'bson';
import { fail, MongoServerError } from './errors';
import { compileFilter, type Matcher } from './query';
import {
  clone,
  formatValue,
  isPlainObject,
  keyString,
  newObjectId,
  pathValues,
  withIdFirst,
  type Doc,
} from './values';

export interface IndexSpec extends Doc {
  v: 2;
  key: Doc;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  expireAfterSeconds?: number;
}

/** Options that make two indexes on the same key different indexes (or conflicting ones). */
const COMPARED_OPTIONS = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'collation'];

export function indexOptionsSignature(spec: Doc): string {
  return keyString(
    Object.fromEntries(
      COMPARED_OPTIONS.filter((o) => spec[o] !== undefined && spec[o] !== false).map((o) => [o, spec[o]]),
    ),
  );
}

/**
 * One index. Only unique indexes keep entries (key → document id): queries scan the collection, so other indexes
 * are metadata that `listIndexes` reports.
 */
export class Index {
  readonly fields: string[];
  private readonly partial?: Matcher;
  readonly entries = new Map<string, string>();

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    if (spec.partialFilterExpression) this.partial = compileFilter(spec.partialFilterExpression);
  }

  get unique(): boolean {
    return this.spec.unique === true || this.spec.name === '_id_';
  }

  /** Key strings of `doc` in this index (several for a multikey field), or none when sparse/partial skip it. */
  keysOf(doc: Doc): { key: string; values: unknown[] }[] {
    if (this.partial && !this.partial(doc)) return [];
    const perField = this.fields.map((f) => pathValues(doc, f));
    if (this.spec.sparse && perField.every((vals) => vals.every((v) => v === null || v === undefined)))
      return [];
    let combos: unknown[][] = [[]];
    for (const vals of perField) combos = combos.flatMap((c) => vals.map((v) => [...c, v]));
    const seen = new Map<string, unknown[]>();
    for (const values of combos) seen.set(keyString(values), values);
    return [...seen].map(([key, values]) => ({ key, values }));
  }

  duplicateError(ns: string, values: unknown[]): MongoServerError {
    const keyValue: Doc = {};
    this.fields.forEach((f, i) => (keyValue[f] = values[i] ?? null));
    const shown = this.fields.map((f, i) => `${f}: ${formatValue(values[i])}`).join(', ');
    return new MongoServerError(
      'DuplicateKey',
      `E11000 duplicate key error collection: ${ns} index: ${this.spec.name} dup key: { ${shown} }`,
      { keyPattern: { ...this.spec.key }, keyValue },
    );
  }
}

export class Collection {
  /** Documents by `_id` key string, in insertion (natural) order. Stored documents are never mutated. */
  readonly docs = new Map<string, Doc>();
  readonly indexes: Index[] = [new Index({ v: 2, key: { _id: 1 }, name: '_id_' })];
  readonly uuid = new UUID();

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Doc = {},
  ) {}

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  all(): Doc[] {
    return [...this.docs.values()];
  }

  findIndex(name: string): Index | undefined {
    return this.indexes.find((i) => i.spec.name === name);
  }

  /** Throws 11000 if `doc` would collide in a unique index with a document other than `selfId`. */
  private checkUnique(doc: Doc, selfId?: string): void {
    for (const index of this.indexes) {
      if (!index.unique) continue;
      for (const { key, values } of index.keysOf(doc)) {
        const owner = index.entries.get(key);
        if (owner !== undefined && owner !== selfId) throw index.duplicateError(this.ns, values);
      }
    }
  }

  private addKeys(doc: Doc, id: string): void {
    for (const index of this.indexes)
      if (index.unique) for (const { key } of index.keysOf(doc)) index.entries.set(key, id);
  }

  private removeKeys(doc: Doc, id: string): void {
    for (const index of this.indexes) {
      if (!index.unique) continue;
      for (const { key } of index.keysOf(doc)) if (index.entries.get(key) === id) index.entries.delete(key);
    }
  }

  insert(input: Doc): Doc {
    if (Array.isArray(input._id)) fail('BadValue', "can't use an array for _id");
    const doc = withIdFirst(clone(input._id === undefined ? { _id: newObjectId(), ...input } : input));
    const id = keyString(doc._id);
    this.checkUnique(doc);
    this.docs.set(id, doc);
    this.addKeys(doc, id);
    return doc;
  }

  replace(old: Doc, next: Doc): void {
    const id = keyString(old._id);
    this.checkUnique(next, id);
    this.removeKeys(old, id);
    this.docs.set(id, next);
    this.addKeys(next, id);
  }

  remove(doc: Doc): void {
    const id = keyString(doc._id);
    this.removeKeys(doc, id);
    this.docs.delete(id);
  }

  /** Builds a unique index over existing documents; on a duplicate nothing is added. */
  addIndex(spec: IndexSpec): void {
    const index = new Index(spec);
    if (index.unique) {
      for (const [id, doc] of this.docs) {
        for (const { key, values } of index.keysOf(doc)) {
          if (index.entries.has(key) && index.entries.get(key) !== id)
            throw index.duplicateError(this.ns, values);
          index.entries.set(key, id);
        }
      }
    }
    this.indexes.push(index);
  }

  dropIndex(name: string): void {
    const i = this.indexes.findIndex((x) => x.spec.name === name);
    if (i >= 0) this.indexes.splice(i, 1);
  }
}

export class Database {
  readonly collections = new Map<string, Collection>();
  constructor(readonly name: string) {}
}

interface Cursor {
  ns: string;
  docs: Doc[];
  pos: number;
}

export class Store {
  readonly databases = new Map<string, Database>();
  private readonly cursors = new Map<string, Cursor>();

  db(name: string): Database {
    let db = this.databases.get(name);
    if (!db) {
      db = new Database(name);
      this.databases.set(name, db);
    }
    return db;
  }

  getCollection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.collections.get(name);
  }

  /** The collection, created implicitly as mongod does on the first write. */
  collection(db: string, name: string): Collection {
    validateCollectionName(name);
    const database = this.db(db);
    let coll = database.collections.get(name);
    if (!coll) {
      coll = new Collection(db, name);
      database.collections.set(name, coll);
    }
    return coll;
  }

  dropCollection(db: string, name: string): Collection | undefined {
    const coll = this.getCollection(db, name);
    this.databases.get(db)?.collections.delete(name);
    return coll;
  }

  dropDatabase(db: string): void {
    this.databases.delete(db);
  }

  reset(): void {
    this.databases.clear();
    this.cursors.clear();
  }

  /** Returns the first batch and a cursor id (0 when everything fit) as mongod's cursor replies carry it. */
  openCursor(
    ns: string,
    docs: Doc[],
    batchSize: number,
    singleBatch = false,
  ): { id: Long; firstBatch: Doc[] } {
    const firstBatch = docs.slice(0, batchSize);
    if (singleBatch || firstBatch.length === docs.length) return { id: Long.ZERO, firstBatch };
    // Random positive 63-bit ids, like mongod's: int64 on the wire and never mistaken for another cursor.
    const id = Long.fromBits((Math.random() * 2 ** 32) | 0, ((Math.random() * 2 ** 31) | 0) + 1);
    this.cursors.set(id.toString(), { ns, docs, pos: firstBatch.length });
    return { id, firstBatch };
  }

  getMore(id: unknown, batchSize: number | undefined): { id: Long; ns: string; nextBatch: Doc[] } {
    const key = String(id);
    const cursor = this.cursors.get(key);
    if (!cursor) fail('CursorNotFound', `cursor id ${key} not found`);
    const end = batchSize && batchSize > 0 ? cursor.pos + batchSize : cursor.docs.length;
    const nextBatch = cursor.docs.slice(cursor.pos, end);
    cursor.pos += nextBatch.length;
    if (cursor.pos >= cursor.docs.length) {
      this.cursors.delete(key);
      return { id: Long.ZERO, ns: cursor.ns, nextBatch };
    }
    return { id: Long.fromString(key), ns: cursor.ns, nextBatch };
  }

  killCursor(id: unknown): boolean {
    return this.cursors.delete(String(id));
  }
}

export function validateCollectionName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '' || name.includes('$') || name.includes('\0')) {
    fail('InvalidNamespace', `Invalid collection name: ${String(name)}`);
  }
}

export function isIndexSpec(v: unknown): v is IndexSpec {
  return isPlainObject(v) && isPlainObject(v.key) && typeof v.name === 'string';
}
