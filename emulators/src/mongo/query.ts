import { Double } from 'bson';
import { Aggregator, Context, Query } from 'mingo';
import type { Iterator } from 'mingo/types/lazy';
import type { Options } from 'mingo/types/types';
import { fail, MongoServerError, notImplemented } from './errors';
import { matchesType, parseTypeSpec } from './type-query';
import {
  clone,
  compareValues,
  copiedFrom,
  isPlainObject,
  keyString,
  pathValues,
  toPlain,
  typedOf,
  type Doc,
} from './values';

/** Stages mongod has that the emulator does not run; they fail with NotImplemented instead of a wrong result. */
const UNSUPPORTED_STAGES = new Set([
  '$out',
  '$merge',
  '$geoNear',
  '$search',
  '$searchMeta',
  '$vectorSearch',
  '$collStats',
  '$indexStats',
  '$currentOp',
  '$listSessions',
  '$listLocalSessions',
  '$changeStream',
  '$planCacheStats',
  '$listSearchIndexes',
]);

const SUPPORTED_STAGES = new Set([
  '$addFields',
  '$bucket',
  '$bucketAuto',
  '$count',
  '$densify',
  '$documents',
  '$facet',
  '$fill',
  '$graphLookup',
  '$group',
  '$limit',
  '$lookup',
  '$match',
  '$project',
  '$redact',
  '$replaceRoot',
  '$replaceWith',
  '$sample',
  '$set',
  '$setWindowFields',
  '$skip',
  '$sort',
  '$sortByCount',
  '$unionWith',
  '$unset',
  '$unwind',
]);

/** Turns mingo's plain errors into the coded errors mongod sends for the same mistakes. */
export function translateMingoError(e: unknown): MongoServerError {
  if (e instanceof MongoServerError) return e;
  const message = e instanceof Error ? e.message : String(e);
  let m = /unknown query operator (\$\w+)/i.exec(message);
  if (m) return new MongoServerError('BadValue', `unknown operator: ${m[1]}`);
  m = /Unknown update operator: '?(\$\w+)'?/i.exec(message);
  if (m) {
    return new MongoServerError(
      'FailedToParse',
      `Unknown modifier: ${m[1]}. Expected a valid update modifier or pipeline-style update specified as an array`,
    );
  }
  m = /(?:unknown|invalid) (?:expression )?operator:? '?(\$\w+)'?/i.exec(message);
  if (m) return new MongoServerError('InvalidPipelineOperator', `Unrecognized expression '${m[1]}'`);
  return new MongoServerError('BadValue', message);
}

export function mingo<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw translateMingoError(e);
  }
}

export type Matcher = (doc: Doc) => boolean;

export function compileFilter(filter: unknown): Matcher {
  if (filter === undefined || filter === null) return () => true;
  if (!isPlainObject(filter))
    fail('TypeMismatch', "BSON field 'filter' is the wrong type, expected type 'object'");
  if (Object.keys(filter).length === 0) return () => true;
  const query = mingo(
    () =>
      new Query(toPlain(withOwnTypeOperator(filter) as Doc), { useStrictMode: true, context: QUERY_CONTEXT }),
  );
  return (doc) => mingo(() => query.test(plainView(doc)));
}

/**
 * mingo's `$type` sees JS values (an integral double is an int, an ObjectId an object, no 'objectId' alias): the
 * emulator's own operator reads the stored value's BSON type instead, under a private name as for stages.
 */
const QUERY_OPERATORS = {
  $emulatorType: ((selector: string, spec: unknown) => {
    const codes = parseTypeSpec(spec);
    return (obj: Doc) => matchesType(typedOf(obj), selector, codes);
  }) as never,
};
const QUERY_CONTEXT = Context.init({ query: QUERY_OPERATORS });

/** Renames every query `$type` to the emulator's; `$expr` holds aggregation expressions, left alone. */
function withOwnTypeOperator(filter: unknown): unknown {
  if (Array.isArray(filter)) return filter.map(withOwnTypeOperator);
  if (!isPlainObject(filter)) return filter;
  return Object.fromEntries(
    Object.entries(filter).map(([k, v]) =>
      k === '$expr' ? [k, v] : [k === '$type' ? '$emulatorType' : k, withOwnTypeOperator(v)],
    ),
  );
}

/** Stored documents are never mutated, so each one's plain view is computed once. */
const plainViews = new WeakMap<Doc, Doc>();

function plainView(doc: Doc): Doc {
  let view = plainViews.get(doc);
  if (!view) plainViews.set(doc, (view = toPlain(doc)));
  return view;
}

type SortSpec = [path: string, direction: 1 | -1][];

export function parseSort(spec: unknown): SortSpec {
  if (!isPlainObject(spec)) fail('TypeMismatch', 'sort must be an object');
  return Object.entries(spec).map(([path, dir]) => {
    if (isPlainObject(dir)) notImplemented(`sort by ${JSON.stringify(dir)}`);
    if (dir !== 1 && dir !== -1) {
      fail('BadValue', '$sort key ordering must be 1 (for ascending) or -1 (for descending)');
    }
    return [path, dir];
  });
}

/**
 * Sorts like mongod: BSON type order first (ObjectId < Boolean < Date …); an array sorts by its smallest element
 * ascending and its largest descending. Stable, so ties keep insertion order.
 */
export function sortDocs<T extends Doc>(docs: T[], spec: unknown): T[] {
  const keys = parseSort(spec);
  if (keys.length === 0) return docs;
  const sortKey = (doc: Doc, path: string, dir: 1 | -1): unknown => {
    const values = pathValues(doc, path);
    return values.reduce((best, v) => (compareValues(v, best) * dir < 0 ? v : best));
  };
  const decorated = docs.map((doc) => ({ doc, k: keys.map(([p, d]) => sortKey(doc, p, d)) }));
  decorated.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const c = compareValues(a.k[i], b.k[i]);
      if (c !== 0) return c * keys[i][1];
    }
    return 0;
  });
  return decorated.map((d) => d.doc);
}

/**
 * mongod decides a projection's kind by its first field other than `_id` and refuses a later field of the other
 * kind (31253/31254); `_id` may be excluded from an inclusion projection. Values other than 0/false (1, true,
 * expressions, operators) include.
 */
function checkProjectionKind(projection: Doc): void {
  let inclusion: boolean | undefined;
  for (const [field, value] of Object.entries(projection)) {
    if (field === '_id') continue;
    const includes = value !== 0 && value !== false;
    if (inclusion === undefined) inclusion = includes;
    else if (inclusion && !includes)
      fail('Location31254', `Cannot do exclusion on field ${field} in inclusion projection`);
    else if (!inclusion && includes)
      fail('Location31253', `Cannot do inclusion on field ${field} in exclusion projection`);
  }
}

export function project(docs: Doc[], projection: unknown, filter?: unknown): Doc[] {
  if (projection === undefined || projection === null) return docs;
  if (!isPlainObject(projection)) fail('TypeMismatch', 'projection must be an object');
  if (Object.keys(projection).length === 0) return docs;
  checkProjectionKind(projection);
  const positional = Object.keys(projection).some((k) => k.endsWith('.$'));
  const condition = positional && isPlainObject(filter) ? toPlain(filter) : {};
  return mingo(() => new Query(condition, { useStrictMode: true }).find<Doc>(docs, projection).all());
}

/**
 * `transform` only calls `next()` on what its callback returns; `mingo/lazy`'s own `Lazy` is unreachable under this
 * package's `node` module resolution, and an array iterator has the same protocol.
 */
function iterate(docs: Doc[]): Iterator {
  return docs[Symbol.iterator]() as unknown as Iterator;
}

/** `$sort` with mongod's comparison order instead of mingo's. */
function sortStage(coll: Iterator, expr: unknown): Iterator {
  return coll.transform((docs: Doc[]) => iterate(sortDocs(docs, expr)));
}

/** `$count` over no documents produces no document, as in mongod (mingo would emit `{ n: 0 }`). */
function countStage(coll: Iterator, expr: unknown): Iterator {
  if (typeof expr !== 'string' || !expr || expr.startsWith('$') || expr.includes('.')) {
    fail(
      'Location40324',
      'the count field must be a non-empty string that does not start with $ or contain .',
    );
  }
  return coll.transform((docs: Doc[]) => iterate(docs.length ? [{ [expr]: docs.length }] : []));
}

/**
 * mingo merges contexts keeping the first definition of an operator, so its own `$sort`/`$count` cannot be
 * replaced; the pipeline is rewritten to call these under private names instead.
 */
const OVERRIDDEN_STAGES: Record<string, string> = { $sort: '$emulatorSort', $count: '$emulatorCount' };

const OVERRIDES = Context.init({
  pipeline: {
    $emulatorSort: sortStage as never,
    $emulatorCount: countStage as never,
  },
  query: QUERY_OPERATORS,
});

/** Checks every stage name (recursing into sub-pipelines) and returns the pipeline mingo should run. */
export function validatePipeline(pipeline: unknown): Doc[] {
  if (!Array.isArray(pipeline)) fail('TypeMismatch', "'pipeline' option must be specified as an array");
  return pipeline.map((stage: unknown) => {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
      fail('Location40324', 'A pipeline stage specification object must contain exactly one field.');
    }
    const name = Object.keys(stage)[0];
    if (UNSUPPORTED_STAGES.has(name)) notImplemented(`the ${name} aggregation stage`);
    if (!SUPPORTED_STAGES.has(name)) fail('Location40324', `Unrecognized pipeline stage name: '${name}'`);
    let spec = stage[name];
    if (name === '$project' && isPlainObject(spec)) checkProjectionKind(spec);
    if (name === '$match') spec = withOwnTypeOperator(spec);
    if (isPlainObject(spec) && Array.isArray(spec.pipeline))
      spec = { ...spec, pipeline: validatePipeline(spec.pipeline) };
    if (name === '$facet' && isPlainObject(spec)) {
      spec = Object.fromEntries(Object.entries(spec).map(([k, sub]) => [k, validatePipeline(sub)]));
    }
    return { [OVERRIDDEN_STAGES[name] ?? name]: spec };
  });
}

/**
 * Aggregation computes on JS numbers (restored to doubles in its output by keepDoubles); a leading `$match`
 * still sees the stored types through typedOf.
 */
const inputCopy = (doc: Doc): Doc => copiedFrom(clone(toPlain(doc)), doc);

/**
 * Runs a pipeline over `docs`. Inputs are cloned so no stage can modify the store; `resolve` provides the
 * collections `$lookup`/`$unionWith`/`$graphLookup` read.
 */
export function aggregate(
  docs: Doc[],
  pipeline: unknown,
  resolve: (name: string) => Doc[],
  variables?: Doc,
): Doc[] {
  const stages = validatePipeline(pipeline);
  const options: Partial<Options> = {
    useStrictMode: true,
    context: OVERRIDES,
    collectionResolver: (name: string) => resolve(name).map(inputCopy),
    variables: toPlain(variables),
  };
  const out = mingo(() => new Aggregator(toPlain(stages), options).run<Doc>(docs.map(inputCopy)));
  return keepDoubles(out, docs);
}

/**
 * mingo's output holds JS numbers, which would go back as int32: a value an output document still has where its
 * input document (same `_id`) held an integral double is that double again, as mongod passes it through.
 */
function keepDoubles(out: Doc[], inputs: Doc[]): Doc[] {
  if (!inputs.some(holdsDouble)) return out;
  const byId = new Map(inputs.map((d) => [keyString(d._id), d]));
  return out.map((doc) => {
    const source = byId.get(keyString(doc._id));
    return source ? (retyped(doc, source) as Doc) : doc;
  });
}

const holdsDouble = (v: unknown): boolean =>
  v instanceof Double ||
  (Array.isArray(v) ? v.some(holdsDouble) : isPlainObject(v) && Object.values(v).some(holdsDouble));

function retyped(value: unknown, source: unknown): unknown {
  if (typeof value === 'number') return source instanceof Double && source.value === value ? source : value;
  if (Array.isArray(value)) return Array.isArray(source) ? value.map((v, i) => retyped(v, source[i])) : value;
  if (isPlainObject(value) && isPlainObject(source)) {
    for (const [k, v] of Object.entries(value)) if (k in source) value[k] = retyped(v, source[k]);
  }
  return value;
}
