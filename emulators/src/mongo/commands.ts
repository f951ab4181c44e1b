import { Long, ObjectId, UUID } from 'bson';
import { fail, MongoServerError, notImplemented } from './errors';
import type { FailPoints } from './fail-points';
import type { TtlMonitor } from './ttl';
import { aggregate, compileFilter, project, sortDocs } from './query';
import {
  Collection,
  indexOptionsSignature,
  isIndexSpec,
  Store,
  validateCollectionName,
  type IndexSpec,
} from './store';
import { applyUpdate, buildUpsertDoc, isReplacement, validateUpdateSpec } from './update';
import { formatDocument, isPlainObject, keyString, pathValues, toPlain, type Doc } from './values';

export const WIRE_VERSION = { min: 0, max: 21 } as const; // 21 = MongoDB 7.0
export const SERVER_VERSION = '7.0.14';
const DEFAULT_BATCH_SIZE = 101;
const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;

export interface CommandContext {
  store: Store;
  failPoints: FailPoints;
  ttl: TtlMonitor;
  /** The client's `client.application.name` from its handshake (fail points can target it). */
  appName?: string;
  connectionId: number;
  /** `topologyVersion.processId`: new for every emulator, as for every mongod process. */
  processId: ObjectId;
}

type Handler = (cmd: Doc, db: string, ctx: CommandContext) => Doc;

function collectionArg(cmd: Doc, name: string): string {
  const coll = cmd[name];
  validateCollectionName(coll);
  return coll;
}

function intArg(v: unknown, fallback: number): number {
  return typeof v === 'number' ? Math.trunc(v) : v instanceof Long ? v.toNumber() : fallback;
}

function cursorBatchSize(cmd: Doc): number {
  const cursor = cmd.cursor as Doc | undefined;
  const size = intArg(cursor?.batchSize ?? cmd.batchSize, DEFAULT_BATCH_SIZE);
  if (size < 0) fail('BadValue', 'batchSize must be non-negative');
  return size;
}

/**
 * Strings compare by code point here. A real collation (say case-insensitive, strength 2) would change which
 * documents match, sort and collide in a unique index, so rather than ignore it the emulator refuses it.
 */
function refuseCollation(collation: unknown): void {
  if (collation === undefined || collation === null) return;
  if (isPlainObject(collation) && collation.locale === 'simple') return;
  notImplemented('collation other than { locale: "simple" }');
}

function cursorReply(
  ctx: CommandContext,
  ns: string,
  docs: Doc[],
  batchSize: number,
  singleBatch = false,
): Doc {
  const { id, firstBatch } = ctx.store.openCursor(ns, docs, batchSize, singleBatch);
  return { cursor: { firstBatch, id, ns }, ok: 1 };
}

const HELLO_NAMES = new Set(['hello', 'isMaster', 'ismaster']);

/** The application name a handshake declares (`appName` in the URI), if this command is one. */
export function appNameOf(cmd: Doc): string | undefined {
  if (!HELLO_NAMES.has(Object.keys(cmd)[0] ?? '') || !isPlainObject(cmd.client)) return undefined;
  const application = cmd.client.application;
  return isPlainObject(application) && typeof application.name === 'string' ? application.name : undefined;
}

/**
 * How long an awaitable `hello` (streaming monitoring, 4.4+) waits before answering: `maxAwaitTimeMS` while the
 * client's `topologyVersion` is this server's current one, 0 when the topology it knows is stale (another process).
 * A standalone's topology never changes, so the counter stays 0.
 */
export function helloAwaitMs(cmd: Doc, ctx: CommandContext): number {
  if (!HELLO_NAMES.has(Object.keys(cmd)[0] ?? '')) return 0;
  const known = cmd.topologyVersion;
  const maxAwait = cmd.maxAwaitTimeMS;
  if (known === undefined && maxAwait === undefined) return 0;
  if (maxAwait === undefined)
    fail('Location31368', "A request with a 'topologyVersion' must include 'maxAwaitTimeMS'");
  if (known === undefined)
    fail('Location31368', "A request with 'maxAwaitTimeMS' must include a 'topologyVersion'");
  if (typeof maxAwait !== 'number') fail('TypeMismatch', "BSON field 'maxAwaitTimeMS' is the wrong type");
  if (maxAwait < 0) fail('Location31373', 'maxAwaitTimeMS must be a non-negative integer');
  if (!isPlainObject(known) || !(known.processId instanceof ObjectId) || typeof known.counter !== 'number')
    fail('TypeMismatch', "BSON field 'topologyVersion' is the wrong type");
  if (!known.processId.equals(ctx.processId)) return 0;
  if (known.counter > 0)
    fail(
      'Location31382',
      'Received a topology version with the same process ID and a higher counter than the current server topology version',
    );
  return maxAwait;
}

function hello(cmd: Doc, _db: string, ctx: CommandContext, legacy: boolean): Doc {
  helloAwaitMs(cmd, ctx); // validates the awaitable fields; the server does the waiting
  return {
    ...(cmd.helloOk ? { helloOk: true } : {}),
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    topologyVersion: { processId: ctx.processId, counter: Long.fromNumber(0) },
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: WIRE_VERSION.min,
    maxWireVersion: WIRE_VERSION.max,
    readOnly: false,
    ok: 1,
  };
}

function matching(coll: Collection | undefined, filter: unknown): Doc[] {
  if (!coll) {
    compileFilter(filter); // still reject a bad filter on a missing collection
    return [];
  }
  if (
    isPlainObject(filter) &&
    Object.keys(filter).length === 1 &&
    '_id' in filter &&
    !isPlainObject(filter._id) &&
    !(filter._id instanceof RegExp) &&
    !Array.isArray(filter._id)
  ) {
    const doc = coll.docs.get(keyString(filter._id)); // the common findById: no scan
    return doc ? [doc] : [];
  }
  const match = compileFilter(filter);
  return coll.all().filter(match);
}

/** Finds the documents a query selects, in order, after skip and limit (limit 0 = none). */
function select(coll: Collection | undefined, filter: unknown, sort: unknown, skip = 0, limit = 0): Doc[] {
  let docs = matching(coll, filter);
  if (sort !== undefined && sort !== null) docs = sortDocs(docs, sort);
  if (skip < 0) fail('BadValue', 'skip value must be non-negative');
  if (skip) docs = docs.slice(skip);
  if (limit) docs = docs.slice(0, Math.abs(limit));
  return docs;
}

function find(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collectionArg(cmd, 'find');
  if (cmd.tailable || cmd.awaitData) notImplemented('tailable cursors');
  refuseCollation(cmd.collation);
  const limit = intArg(cmd.limit, 0);
  const docs = select(ctx.store.getCollection(db, name), cmd.filter, cmd.sort, intArg(cmd.skip, 0), limit);
  const projected = project(docs, cmd.projection, cmd.filter);
  const singleBatch = cmd.singleBatch === true || limit < 0;
  return cursorReply(ctx, `${db}.${name}`, projected, cursorBatchSize(cmd), singleBatch);
}

function getMore(cmd: Doc, _db: string, ctx: CommandContext): Doc {
  const batchSize = cmd.batchSize === undefined ? undefined : intArg(cmd.batchSize, 0);
  const { id, ns, nextBatch } = ctx.store.getMore(cmd.getMore, batchSize);
  return { cursor: { nextBatch, id, ns }, ok: 1 };
}

function killCursors(cmd: Doc, _db: string, ctx: CommandContext): Doc {
  const ids = Array.isArray(cmd.cursors) ? (cmd.cursors as unknown[]) : [];
  const killed: unknown[] = [];
  const notFound: unknown[] = [];
  for (const id of ids) (ctx.store.killCursor(id) ? killed : notFound).push(Long.fromString(String(id)));
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

/** Write commands report per-statement failures as `writeErrors` with ok: 1; ordered writes stop at the first. */
function runWrites<T>(statements: T[], ordered: boolean, run: (s: T, index: number) => void): Doc[] {
  const writeErrors: Doc[] = [];
  statements.forEach((s, index) => {
    if (writeErrors.length && ordered) return;
    try {
      run(s, index);
    } catch (e) {
      if (!(e instanceof MongoServerError)) throw e;
      writeErrors.push(e.toWriteError(index));
    }
  });
  return writeErrors;
}

function withWriteErrors(reply: Doc, writeErrors: Doc[]): Doc {
  return writeErrors.length ? { ...reply, writeErrors, ok: 1 } : { ...reply, ok: 1 };
}

function statementsArg(cmd: Doc, field: string): Doc[] {
  const list = cmd[field];
  if (!Array.isArray(list) || !list.every(isPlainObject)) {
    fail('TypeMismatch', `BSON field '${field}' is the wrong type, expected type 'array'`);
  }
  return list;
}

function insert(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const coll = ctx.store.collection(db, collectionArg(cmd, 'insert'));
  let n = 0;
  const errors = runWrites(statementsArg(cmd, 'documents'), cmd.ordered !== false, (doc) => {
    coll.insert(doc);
    n++;
  });
  return withWriteErrors({ n }, errors);
}

function update(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const coll = ctx.store.collection(db, collectionArg(cmd, 'update'));
  const statements = statementsArg(cmd, 'updates');
  statements.forEach((stmt) => refuseCollation(stmt.collation));
  let n = 0;
  let nModified = 0;
  const upserted: Doc[] = [];
  const errors = runWrites(statements, cmd.ordered !== false, (stmt, index) => {
    const u = validateUpdateSpec(stmt.u);
    const filter = (stmt.q ?? {}) as Doc;
    const arrayFilters = stmt.arrayFilters as Doc[] | undefined;
    if (stmt.multi && isReplacement(u))
      fail('FailedToParse', 'multi update is not supported for replacement-style update');
    const targets = select(coll, filter, stmt.sort, 0, stmt.multi ? 0 : 1);
    if (targets.length === 0 && stmt.upsert) {
      const doc = coll.insert(buildUpsertDoc(filter, u, arrayFilters));
      n++;
      upserted.push({ index, _id: doc._id });
      return;
    }
    for (const target of targets) {
      const { doc, modified } = applyUpdate(target, u, { filter, arrayFilters });
      if (modified) coll.replace(target, doc);
      n++;
      if (modified) nModified++;
    }
  });
  return withWriteErrors({ n, nModified, ...(upserted.length ? { upserted } : {}) }, errors);
}

function del(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collectionArg(cmd, 'delete');
  const coll = ctx.store.getCollection(db, name);
  const statements = statementsArg(cmd, 'deletes');
  statements.forEach((stmt) => refuseCollation(stmt.collation));
  let n = 0;
  const errors = runWrites(statements, cmd.ordered !== false, (stmt) => {
    const limit = intArg(stmt.limit, 0);
    if (limit !== 0 && limit !== 1) fail('FailedToParse', 'The limit field in delete objects must be 0 or 1');
    for (const doc of select(coll, stmt.q ?? {}, undefined, 0, limit)) {
      coll?.remove(doc);
      n++;
    }
  });
  return withWriteErrors({ n }, errors);
}

function findAndModify(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collectionArg(cmd, 'findAndModify' in cmd ? 'findAndModify' : 'findandmodify');
  refuseCollation(cmd.collation);
  const filter = (cmd.query ?? {}) as Doc;
  const remove = cmd.remove === true;
  if (remove && cmd.update !== undefined)
    fail('FailedToParse', 'Cannot specify both an update and remove=true');
  if (!remove && cmd.update === undefined)
    fail('FailedToParse', 'Either an update or remove=true must be specified');
  if (remove && cmd.upsert) fail('FailedToParse', 'Cannot specify both upsert=true and remove=true');
  if (remove && cmd.new)
    fail(
      'FailedToParse',
      "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document",
    );
  const existing = ctx.store.getCollection(db, name);
  const [target] = select(existing, filter, cmd.sort, 0, 1);
  const shape = (doc: Doc | undefined): Doc | null => (doc ? project([doc], cmd.fields, filter)[0] : null);

  if (remove) {
    if (target) existing?.remove(target);
    return { lastErrorObject: { n: target ? 1 : 0 }, value: shape(target), ok: 1 };
  }
  const u = validateUpdateSpec(cmd.update);
  const arrayFilters = cmd.arrayFilters as Doc[] | undefined;
  const coll = ctx.store.collection(db, name);
  if (!target) {
    if (!cmd.upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    const doc = coll.insert(buildUpsertDoc(filter, u, arrayFilters));
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
      value: cmd.new ? shape(doc) : null,
      ok: 1,
    };
  }
  const { doc, modified } = applyUpdate(target, u, { filter, arrayFilters });
  if (modified) coll.replace(target, doc);
  return { lastErrorObject: { n: 1, updatedExisting: true }, value: shape(cmd.new ? doc : target), ok: 1 };
}

function aggregateCommand(cmd: Doc, db: string, ctx: CommandContext): Doc {
  if (cmd.explain) notImplemented('explain');
  refuseCollation(cmd.collation);
  if (!isPlainObject(cmd.cursor)) {
    fail('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  }
  const target = cmd.aggregate;
  let input: Doc[] = [];
  let ns = `${db}.$cmd.aggregate`;
  if (target !== 1) {
    const name = collectionArg(cmd, 'aggregate');
    input = ctx.store.getCollection(db, name)?.all() ?? [];
    ns = `${db}.${name}`;
  }
  const resolve = (coll: string): Doc[] => ctx.store.getCollection(db, coll)?.all() ?? [];
  const out = aggregate(input, cmd.pipeline, resolve, cmd.let as Doc | undefined);
  return cursorReply(ctx, ns, out, cursorBatchSize(cmd));
}

function count(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const coll = ctx.store.getCollection(db, collectionArg(cmd, 'count'));
  refuseCollation(cmd.collation);
  const docs = select(coll, cmd.query ?? {}, undefined, intArg(cmd.skip, 0), intArg(cmd.limit, 0));
  return { n: docs.length, ok: 1 };
}

function distinct(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const coll = ctx.store.getCollection(db, collectionArg(cmd, 'distinct'));
  refuseCollation(cmd.collation);
  if (typeof cmd.key !== 'string')
    fail('TypeMismatch', "BSON field 'distinct.key' is missing but a required field");
  const seen = new Map<string, unknown>();
  for (const doc of select(coll, cmd.query ?? {}, undefined)) {
    for (const v of pathValues(doc, cmd.key, false)) if (!seen.has(keyString(v))) seen.set(keyString(v), v);
  }
  return {
    values: sortDocs(
      [...seen.values()].map((v) => ({ v })),
      { v: 1 },
    ).map((d) => d.v),
    ok: 1,
  };
}

const UNSUPPORTED_CREATE_OPTIONS = [
  'capped',
  'viewOn',
  'pipeline',
  'timeseries',
  'validator',
  'clusteredIndex',
];
const IGNORED_FIELDS = new Set([
  'lsid',
  'txnNumber',
  '$db',
  '$readPreference',
  '$clusterTime',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
  'writeConcern',
  'readConcern',
  'comment',
  'maxTimeMS',
  'autocommit',
]);

function create(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collectionArg(cmd, 'create');
  refuseCollation(cmd.collation);
  const options = Object.fromEntries(
    Object.entries(cmd).filter(([k]) => k !== 'create' && !IGNORED_FIELDS.has(k)),
  );
  const existing = ctx.store.getCollection(db, name);
  if (existing) {
    // 7.0+: creating an existing collection with the same options succeeds.
    if (keyString(existing.options) !== keyString(options)) {
      fail('NamespaceExists', `Collection ${db}.${name} already exists.`);
    }
    return { ok: 1 };
  }
  for (const opt of UNSUPPORTED_CREATE_OPTIONS) {
    if (cmd[opt] !== undefined && cmd[opt] !== false) notImplemented(`create with ${opt}`);
  }
  const coll = ctx.store.collection(db, name);
  Object.assign(coll.options, options);
  return { ok: 1 };
}

function drop(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collectionArg(cmd, 'drop');
  const coll = ctx.store.dropCollection(db, name);
  // 7.0+: dropping a missing collection succeeds.
  return coll ? { nIndexesWas: coll.indexes.length, ns: coll.ns, ok: 1 } : { ok: 1 };
}

function dropDatabase(_cmd: Doc, db: string, ctx: CommandContext): Doc {
  ctx.store.dropDatabase(db);
  return { dropped: db, ok: 1 };
}

function listCollections(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const database = ctx.store.databases.get(db);
  const infos = [...(database?.collections.values() ?? [])].map((c) => ({
    name: c.name,
    type: 'collection',
    options: { ...c.options },
    info: { readOnly: false, uuid: c.uuid },
    idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
  }));
  const match = compileFilter(cmd.filter);
  const docs = infos.filter(match).map((i) => (cmd.nameOnly ? { name: i.name, type: i.type } : i));
  return cursorReply(ctx, `${db}.$cmd.listCollections`, docs, cursorBatchSize(cmd));
}

function listDatabases(cmd: Doc, _db: string, ctx: CommandContext): Doc {
  const dbs = [...ctx.store.databases.values()]
    .filter((d) => d.collections.size > 0)
    .map((d) => {
      const sizeOnDisk = [...d.collections.values()].reduce((s, c) => s + 4096 + c.docs.size * 64, 0);
      return { name: d.name, sizeOnDisk, empty: false };
    })
    .filter(compileFilter(cmd.filter));
  const totalSize = dbs.reduce((s, d) => s + d.sizeOnDisk, 0);
  if (cmd.nameOnly) return { databases: dbs.map((d) => ({ name: d.name })), ok: 1 };
  return { databases: dbs, totalSize, totalSizeMb: Math.floor(totalSize / 2 ** 20), ok: 1 };
}

function specText(spec: Doc): string {
  return formatDocument(spec);
}

function createIndexes(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collectionArg(cmd, 'createIndexes');
  const requested = cmd.indexes;
  if (!Array.isArray(requested) || requested.length === 0)
    fail('BadValue', 'Must specify at least one index to create');
  const created = !ctx.store.getCollection(db, name);
  const coll = ctx.store.collection(db, name);
  const before = coll.indexes.length;
  const toAdd: IndexSpec[] = [];
  for (const raw of requested as unknown[]) {
    if (!isIndexSpec(raw)) fail('FailedToParse', 'Index spec must have a key document and a name');
    const { key, name: indexName, ...options } = raw;
    refuseCollation(options.collation);
    if (Object.keys(key).length === 0) fail('CannotCreateIndex', 'Index keys cannot be empty.');
    for (const dir of Object.values(key)) {
      if (typeof dir === 'string') notImplemented(`"${dir}" indexes`);
      if (typeof dir !== 'number' || dir === 0)
        fail('CannotCreateIndex', `Values in the index key pattern must be numbers: ${specText(key)}`);
    }
    const spec: IndexSpec = { v: 2, key, name: indexName };
    for (const [k, v] of Object.entries(options))
      if (k !== 'v' && k !== 'background' && v !== undefined) spec[k] = v;
    const known = [...coll.indexes.map((i) => i.spec), ...toAdd];
    const sameName = known.find((s) => s.name === indexName);
    if (sameName) {
      if (keyString(sameName.key) !== keyString(key)) {
        fail(
          'IndexKeySpecsConflict',
          `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${specText(spec)}, existing index: ${specText(sameName)}`,
        );
      }
      if (indexOptionsSignature(sameName) !== indexOptionsSignature(spec)) {
        fail(
          'IndexOptionsConflict',
          `An equivalent index already exists with the same name but different options. Requested index: ${specText(spec)}, existing index: ${specText(sameName)}`,
        );
      }
      continue; // identical index: nothing to do
    }
    // Same key and same partial filter/collation is the same index to mongod, whatever the other options.
    const sameKey = known.find(
      (s) =>
        keyString(s.key) === keyString(key) &&
        keyString(s.partialFilterExpression) === keyString(spec.partialFilterExpression) &&
        keyString(s.collation) === keyString(spec.collation),
    );
    if (sameKey) fail('IndexOptionsConflict', `Index already exists with a different name: ${sameKey.name}`);
    toAdd.push(spec);
  }
  // All or nothing: a duplicate in any new unique index leaves the collection as it was.
  const added: string[] = [];
  try {
    for (const spec of toAdd) {
      coll.addIndex(spec);
      added.push(spec.name);
    }
  } catch (e) {
    for (const n of added) coll.dropIndex(n);
    if (created && coll.docs.size === 0) ctx.store.dropCollection(db, name);
    // mongod names the failed build and the collection before the cause (create_indexes_cmd.cpp).
    if (e instanceof MongoServerError && !created) {
      throw e.withContext(
        `Index build failed: ${new UUID().toHexString()}: Collection ${coll.ns} ( ${coll.uuid.toHexString()} )`,
      );
    }
    throw e;
  }
  const reply: Doc = {
    numIndexesBefore: before,
    numIndexesAfter: coll.indexes.length,
    createdCollectionAutomatically: created,
  };
  if (toAdd.length === 0) reply.note = 'all indexes already exist';
  return { ...reply, ok: 1 };
}

function listIndexes(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collectionArg(cmd, 'listIndexes');
  const coll = ctx.store.getCollection(db, name);
  if (!coll) fail('NamespaceNotFound', `ns does not exist: ${db}.${name}`);
  return cursorReply(
    ctx,
    `${db}.$cmd.listIndexes.${name}`,
    coll.indexes.map((i) => ({ ...i.spec })),
    cursorBatchSize(cmd),
  );
}

function dropIndexes(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collectionArg(cmd, 'dropIndexes' in cmd ? 'dropIndexes' : 'deleteIndexes');
  const coll = ctx.store.getCollection(db, name);
  if (!coll) fail('NamespaceNotFound', `ns not found ${db}.${name}`);
  const nIndexesWas = coll.indexes.length;
  const target = cmd.index;
  let names: string[];
  if (target === '*') names = coll.indexes.map((i) => i.spec.name).filter((n) => n !== '_id_');
  else if (typeof target === 'string') names = [target];
  else if (Array.isArray(target)) names = target.map(String);
  else if (isPlainObject(target)) {
    const found = coll.indexes.find((i) => keyString(i.spec.key) === keyString(target));
    if (!found) fail('IndexNotFound', `can't find index with key: ${formatDocument(target)}`);
    names = [found.spec.name];
  } else fail('TypeMismatch', "BSON field 'index' is the wrong type");
  for (const n of names) {
    if (n === '_id_') fail('InvalidOptions', 'cannot drop _id index');
    if (!coll.findIndex(n)) fail('IndexNotFound', `index not found with name [${n}]`);
  }
  names.forEach((n) => coll.dropIndex(n));
  return { nIndexesWas, ok: 1 };
}

const buildInfo: Handler = () => ({
  version: SERVER_VERSION,
  gitVersion: 'emulator',
  versionArray: SERVER_VERSION.split('.').map(Number).concat(0),
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  storageEngines: ['emulator'],
  modules: [],
  ok: 1,
});

const HANDLERS: Record<string, Handler> = {
  hello: (c, d, x) => hello(c, d, x, false),
  isMaster: (c, d, x) => hello(c, d, x, true),
  ismaster: (c, d, x) => hello(c, d, x, true),
  ping: () => ({ ok: 1 }),
  buildInfo,
  buildinfo: buildInfo,
  endSessions: () => ({ ok: 1 }),
  insert,
  find,
  getMore,
  killCursors,
  update,
  delete: del,
  findAndModify,
  findandmodify: findAndModify,
  aggregate: aggregateCommand,
  count,
  distinct,
  create,
  drop,
  dropDatabase,
  listCollections,
  listDatabases,
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
  configureFailPoint: (c, d, x) => x.failPoints.configure(c, d),
  setParameter: (c, d, x) => x.ttl.setParameter(c, d),
  getParameter: (c, d, x) => x.ttl.getParameter(c, d),
};

/**
 * Integral doubles stay `Double` only in what a command stores (documents, updates, and the filters an upsert
 * seeds its document from); every other argument is a plain JS number.
 */
function plainArguments(cmd: Doc): Doc {
  const plain = toPlain(cmd);
  if (plain === cmd) return cmd;
  const out = { ...plain };
  if (cmd.documents !== undefined) out.documents = cmd.documents;
  if (cmd.update !== undefined) out.update = cmd.update; // findAndModify
  if (cmd.query !== undefined) out.query = cmd.query;
  if (Array.isArray(cmd.updates) && Array.isArray(out.updates)) {
    const typed = cmd.updates as unknown[];
    out.updates = (out.updates as unknown[]).map((s, i) => {
      const original = typed[i];
      return isPlainObject(s) && isPlainObject(original) ? { ...s, q: original.q, u: original.u } : s;
    });
  }
  return out;
}

/** Runs one command synchronously: no write ever interleaves with another, so each is atomic. */
export function runCommand(raw: Doc, ctx: CommandContext): Doc {
  const cmd = plainArguments(raw);
  const name = Object.keys(cmd)[0];
  const db = typeof cmd.$db === 'string' ? cmd.$db : 'admin';
  try {
    // A standalone mongod refuses transactions this way; the service must not rely on them.
    if (cmd.startTransaction !== undefined || cmd.autocommit !== undefined) {
      fail('IllegalOperation', 'Transaction numbers are only allowed on a replica set member or mongos');
    }
    const handler = name === undefined ? undefined : HANDLERS[name];
    if (!handler) fail('CommandNotFound', `no such command: '${name}'`);
    return handler(cmd, db, ctx);
  } catch (e) {
    if (e instanceof MongoServerError) return e.toReply();
    throw e;
  }
}
