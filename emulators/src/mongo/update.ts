import { Double } from 'bson';
import { update as mingoUpdate } from 'mingo';
import { fail } from './errors';
import { aggregate, mingo } from './query';
import {
  clone,
  formatDocument,
  getPath,
  isNumeric,
  isPlainObject,
  keyString,
  newObjectId,
  setPath,
  toNumber,
  toPlain,
  typeName,
  withIdFirst,
  type Doc,
} from './values';

const MODIFIERS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$push',
  '$addToSet',
  '$pull',
  '$pullAll',
  '$pop',
  '$rename',
  '$currentDate',
  '$setOnInsert',
  '$bit',
]);

const PIPELINE_UPDATE_STAGES = new Set([
  '$addFields',
  '$set',
  '$project',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
]);

export type UpdateSpec = Doc | Doc[];

export function isReplacement(u: UpdateSpec): boolean {
  return !Array.isArray(u) && !Object.keys(u).some((k) => k.startsWith('$'));
}

export function validateUpdateSpec(u: unknown): UpdateSpec {
  if (Array.isArray(u)) {
    for (const stage of u as unknown[]) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
      if (!name || !PIPELINE_UPDATE_STAGES.has(name)) {
        fail('InvalidOptions', `${String(name)} is not allowed to be used within an update`);
      }
    }
    return u as Doc[];
  }
  if (!isPlainObject(u)) fail('FailedToParse', 'Update argument must be either an object or an array');
  if (isReplacement(u)) return u;
  for (const [op, args] of Object.entries(u)) {
    if (!MODIFIERS.has(op)) {
      fail(
        'FailedToParse',
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!isPlainObject(args)) {
      fail(
        'FailedToParse',
        `Modifiers operate on fields but we found type ${typeName(args)} instead. For example: {$mod: {<field>: ...}} not {${op}: ${typeName(args)}}`,
      );
    }
  }
  checkConflicts(u);
  return u;
}

/** Two operators touching the same path, or a path and its parent, conflict (code 40) as in mongod. */
function checkConflicts(u: Doc): void {
  const paths: string[] = [];
  for (const [op, args] of Object.entries(u)) {
    for (const [path, arg] of Object.entries(args as Doc)) {
      paths.push(path);
      if (op === '$rename' && typeof arg === 'string') paths.push(arg);
    }
  }
  const norm = (p: string): string => p.replace(/\.\$(\[[^\]]*\])?/g, '');
  for (let i = 0; i < paths.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = norm(paths[i]);
      const b = norm(paths[j]);
      if (a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`)) {
        const shorter = a.length <= b.length ? a : b;
        fail(
          'ConflictingUpdateOperators',
          `Updating the path '${paths[i]}' would create a conflict at '${shorter}'`,
        );
      }
    }
  }
}

function idText(doc: Doc): string {
  return formatDocument({ _id: doc._id });
}

/** mingo ignores type errors that mongod reports; check them before applying. */
function checkTypes(doc: Doc, u: Doc): void {
  for (const [op, args] of Object.entries(u)) {
    for (const [path, arg] of Object.entries(args as Doc)) {
      if (path.includes('$')) continue; // positional paths are resolved by mingo
      const current = getPath(doc, path);
      switch (op) {
        case '$inc':
        case '$mul': {
          const verb = op === '$inc' ? 'increment' : 'multiply';
          if (!isNumeric(arg)) {
            fail(
              'TypeMismatch',
              `Cannot ${verb} with non-numeric argument: ${formatDocument({ [path]: arg })}`,
            );
          }
          if (current !== undefined && !isNumeric(current)) {
            fail(
              'TypeMismatch',
              `Cannot apply ${op} to a value of non-numeric type. ${idText(doc)} has the field '${path.split('.').pop()}' of non-numeric type ${typeName(current)}`,
            );
          }
          break;
        }
        case '$push':
          if (current !== undefined && !Array.isArray(current)) {
            fail(
              'BadValue',
              `The field '${path}' must be an array but is of type ${typeName(current)} in document ${idText(doc)}`,
            );
          }
          break;
        case '$addToSet':
          if (current !== undefined && !Array.isArray(current)) {
            fail(
              'BadValue',
              `Cannot apply $addToSet to non-array field. Field named '${path.split('.').pop()}' has non-array type ${typeName(current)}`,
            );
          }
          break;
        case '$pull':
        case '$pullAll':
          if (current !== undefined && !Array.isArray(current)) {
            fail('BadValue', `Cannot apply ${op} to a non-array value`);
          }
          break;
        case '$pop':
          if (current !== undefined && !Array.isArray(current)) {
            fail(
              'TypeMismatch',
              `Path '${path}' contains an element of non-array type '${typeName(current)}'`,
            );
          }
          break;
      }
    }
  }
}

/** mongod allows `$set: { _id }` to the current value and refuses any other change of `_id` (code 66). */
function stripUnchangedId(doc: Doc, ops: Doc): void {
  for (const [op, args] of Object.entries(ops)) {
    for (const [path, arg] of Object.entries(args as Doc)) {
      if (path !== '_id' && !path.startsWith('_id.')) continue;
      if (op !== '$set' || keyString(arg) !== keyString(getPath(doc, path))) {
        fail(
          'ImmutableField',
          "Performing an update on the path '_id' would modify the immutable field '_id'",
        );
      }
      const rest = { ...(args as Doc) }; // the caller's spec is reused for every matched document
      delete rest[path];
      ops[op] = rest;
    }
  }
}

const NUMERIC_OPERATORS = ['$inc', '$mul', '$min', '$max'];

/**
 * mingo treats a `Double` as an object and skips arithmetic on it, so the targets and arguments of numeric
 * operators are handed over as JS numbers and the caller retypes the results afterwards (see `retypeNumbers`).
 */
interface NumericTarget {
  op: string;
  path: string;
  current: unknown;
  arg: unknown;
}

function unwrapNumericTargets(doc: Doc, ops: Doc): NumericTarget[] {
  const targets: NumericTarget[] = [];
  for (const op of NUMERIC_OPERATORS) {
    const args = ops[op] as Doc | undefined;
    if (!args) continue;
    const plainArgs: Doc = {};
    for (const [path, arg] of Object.entries(args)) {
      plainArgs[path] = toPlain(arg);
      if (path.includes('$')) continue;
      const current = getPath(doc, path);
      if (current instanceof Double) setPath(doc, path, current.value);
      targets.push({ op, path, current, arg });
    }
    ops[op] = plainArgs;
  }
  return targets;
}

/**
 * mongod's result types: `$inc`/`$mul` give a double when either operand is one; `$min`/`$max` keep the current
 * value (and its type) unless the argument wins.
 */
function retypeNumbers(doc: Doc, targets: NumericTarget[]): void {
  for (const { op, path, current, arg } of targets) {
    const result = getPath(doc, path);
    if (typeof result !== 'number' || !Number.isInteger(result)) continue;
    const double =
      op === '$inc' || op === '$mul'
        ? current instanceof Double || arg instanceof Double
        : current !== undefined && toNumber(current) === result
          ? current instanceof Double
          : arg instanceof Double;
    if (double) setPath(doc, path, new Double(result));
  }
}

export interface UpdateOutcome {
  doc: Doc;
  modified: boolean;
}

/**
 * Applies an update to a copy of `doc` (the store is never touched until every check has passed).
 * `inserting` is true when building an upserted document: `$setOnInsert` then applies.
 */
export function applyUpdate(
  doc: Doc,
  u: UpdateSpec,
  opts: { filter?: Doc; arrayFilters?: Doc[]; inserting?: boolean } = {},
): UpdateOutcome {
  const before = keyString(doc);
  let next: Doc;
  if (Array.isArray(u)) {
    next = aggregate([doc], toPlain(u), () => [])[0] ?? {};
  } else if (isReplacement(u)) {
    next = { ...clone(u) };
    if (next._id === undefined) next._id = doc._id;
  } else {
    const { $setOnInsert, ...ops } = u;
    if (opts.inserting && $setOnInsert)
      ops.$set = { ...(ops.$set as Doc | undefined), ...($setOnInsert as Doc) };
    if (doc._id !== undefined) stripUnchangedId(doc, ops);
    checkTypes(doc, ops);
    next = clone(doc);
    const numeric = unwrapNumericTargets(next, ops);
    mingo(() =>
      mingoUpdate(next, ops, opts.arrayFilters, toPlain(opts.filter ?? {}), {
        cloneMode: 'deep',
      }),
    );
    retypeNumbers(next, numeric);
  }
  if (doc._id !== undefined && keyString(next._id) !== keyString(doc._id)) {
    if (isReplacement(u)) {
      fail(
        'ImmutableField',
        `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${String(formatDocument({ v: next._id })).slice(5, -2)}`,
      );
    }
    fail('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  next = withIdFirst(next);
  return { doc: next, modified: keyString(next) !== before };
}

/** Equality conditions of a filter become fields of an upserted document (`{ a: 1, 'b.c': 2, $and: [...] }`). */
function seedFromFilter(filter: Doc, into: Doc): void {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const sub of value) if (isPlainObject(sub)) seedFromFilter(sub, into);
      continue;
    }
    if (key.startsWith('$')) continue;
    if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
      if ('$eq' in value) setPath(into, key, clone(value.$eq));
      continue;
    }
    if (value instanceof RegExp) continue;
    setPath(into, key, clone(value));
  }
}

/** Builds the document an upsert inserts when nothing matched. */
export function buildUpsertDoc(filter: Doc, u: UpdateSpec, arrayFilters?: Doc[]): Doc {
  let doc: Doc;
  if (!Array.isArray(u) && isReplacement(u)) {
    const seed: Doc = {};
    seedFromFilter(filter, seed);
    doc = clone(u);
    if (doc._id === undefined && seed._id !== undefined) doc._id = seed._id;
  } else {
    const seed: Doc = {};
    seedFromFilter(filter, seed);
    doc = applyUpdate(seed, u, { arrayFilters, inserting: true }).doc;
  }
  if (doc._id === undefined) doc._id = newObjectId();
  return withIdFirst(doc);
}
