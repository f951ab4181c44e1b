import { Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp } from 'bson';

export type Doc = Record<string, unknown>;

/** BSON's canonical type order, used by sort and index comparisons (mongod's `canonicalizeBSONType`). */
const enum Rank {
  MinKey = 1,
  Null = 2,
  Number = 3,
  String = 4,
  Object = 5,
  Array = 6,
  BinData = 7,
  ObjectId = 8,
  Boolean = 9,
  Date = 10,
  Timestamp = 11,
  RegEx = 12,
  MaxKey = 13,
}

function bsonTypeOf(v: unknown): string | undefined {
  return typeof v === 'object' && v !== null && '_bsontype' in v ? String(v._bsontype) : undefined;
}

export function isNumeric(v: unknown): boolean {
  if (typeof v === 'number' || typeof v === 'bigint') return true;
  const t = bsonTypeOf(v);
  return t === 'Int32' || t === 'Double' || t === 'Long' || t === 'Decimal128';
}

export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Long) return v.toNumber();
  if (v instanceof Int32 || v instanceof Double) return v.valueOf();
  if (v instanceof Decimal128) return Number.parseFloat(v.toString());
  return Number.NaN;
}

export function isPlainObject(v: unknown): v is Doc {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function rank(v: unknown): Rank {
  if (v === null || v === undefined) return Rank.Null;
  if (isNumeric(v)) return Rank.Number;
  if (typeof v === 'string') return Rank.String;
  if (typeof v === 'boolean') return Rank.Boolean;
  if (v instanceof Date) return Rank.Date;
  if (Array.isArray(v)) return Rank.Array;
  if (v instanceof RegExp) return Rank.RegEx;
  switch (bsonTypeOf(v)) {
    case 'ObjectId':
      return Rank.ObjectId;
    case 'Binary':
      return Rank.BinData;
    case 'Timestamp':
      return Rank.Timestamp;
    case 'BSONRegExp':
      return Rank.RegEx;
    case 'MinKey':
      return Rank.MinKey;
    case 'MaxKey':
      return Rank.MaxKey;
    case 'BSONSymbol':
      return Rank.String;
    default:
      return Rank.Object;
  }
}

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** Compares two values the way mongod orders them: first by type rank, then by value. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return sign(ra - rb);
  switch (ra) {
    case Rank.Null:
    case Rank.MinKey:
    case Rank.MaxKey:
      return 0;
    case Rank.Number: {
      const x = toNumber(a);
      const y = toNumber(b);
      if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1; // NaN sorts below every number
      if (Number.isNaN(y)) return 1;
      return sign(x - y);
    }
    case Rank.String: {
      const x = String(a);
      const y = String(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case Rank.Boolean:
      return sign(Number(a) - Number(b));
    case Rank.Date:
      return sign((a as Date).getTime() - (b as Date).getTime());
    case Rank.ObjectId:
      return Buffer.compare((a as ObjectId).id, (b as ObjectId).id);
    case Rank.Timestamp:
      return (a as Timestamp).compare(b as Timestamp);
    case Rank.BinData: {
      const x = a as Binary;
      const y = b as Binary;
      return (
        sign(x.length() - y.length()) || sign(x.sub_type - y.sub_type) || Buffer.compare(x.buffer, y.buffer)
      );
    }
    case Rank.Array: {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return sign(x.length - y.length);
    }
    case Rank.RegEx:
      return sign(String(a).localeCompare(String(b)));
    default: {
      const xe = Object.entries(a as Doc);
      const ye = Object.entries(b as Doc);
      for (let i = 0; i < Math.min(xe.length, ye.length); i++) {
        const c =
          sign(rank(xe[i][1]) - rank(ye[i][1])) ||
          compareValues(xe[i][0], ye[i][0]) ||
          compareValues(xe[i][1], ye[i][1]);
        if (c !== 0) return c;
      }
      return sign(xe.length - ye.length);
    }
  }
}

/**
 * A string that is equal for two values exactly when mongod's index would treat them as the same key
 * (1 and 1.0 are one key; field order inside embedded documents matters).
 */
export function keyString(v: unknown): string {
  if (v === null || v === undefined) return 'N';
  if (isNumeric(v)) {
    const n = toNumber(v);
    return `n${Object.is(n, -0) ? 0 : n}`;
  }
  if (typeof v === 'string') return `s${JSON.stringify(v)}`;
  if (typeof v === 'boolean') return `b${v}`;
  if (v instanceof Date) return `d${v.getTime()}`;
  if (Array.isArray(v)) return `[${v.map(keyString).join(',')}]`;
  if (v instanceof RegExp) return `r${v.source}/${v.flags}`;
  if (v instanceof ObjectId) return `o${v.toHexString()}`;
  if (v instanceof Binary) return `x${v.sub_type}:${v.toString('base64')}`;
  if (isPlainObject(v)) {
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${keyString(x)}`)
      .join(',')}}`;
  }
  return `?${bsonTypeOf(v)}:${stringify(v)}`;
}

/** Other BSON values (Timestamp, Decimal128, MinKey…) all define a meaningful `toString`. */
function stringify(v: unknown): string {
  return (v as { toString(): string }).toString();
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  return keyString(a) === keyString(b);
}

/** Renders a value as mongod prints it in `dup key: { … }` and other messages. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (v instanceof ObjectId) return `ObjectId('${v.toHexString()}')`;
  if (Array.isArray(v)) return v.length ? `[ ${v.map(formatValue).join(', ')} ]` : '[]';
  if (isNumeric(v)) return String(toNumber(v));
  if (isPlainObject(v)) return formatDocument(v);
  return stringify(v);
}

export function formatDocument(d: Doc): string {
  const entries = Object.entries(d);
  return entries.length ? `{ ${entries.map(([k, v]) => `${k}: ${formatValue(v)}`).join(', ')} }` : '{}';
}

/** mongod's name for a value's BSON type, as used in error messages. */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'missing';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? 'int' : 'double';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof Date) return 'date';
  if (Array.isArray(v)) return 'array';
  if (v instanceof RegExp) return 'regex';
  const t = bsonTypeOf(v);
  if (t === 'ObjectId') return 'objectId';
  if (t === 'Long') return 'long';
  if (t === 'Decimal128') return 'decimal';
  if (t === 'Binary') return 'binData';
  return t ? t.toLowerCase() : 'object';
}

/**
 * Narrows freshly decoded BSON numbers: int32 and non-integral doubles become JS numbers, int64 values in the safe
 * range too (as the driver's `promoteLongs` does); integral doubles stay `Double`, the one type a JS number cannot
 * carry through `serialize`.
 */
export function fromWire(v: unknown): unknown {
  if (v instanceof Int32) return v.value;
  if (v instanceof Double) return Number.isInteger(v.value) ? v : v.value;
  if (v instanceof Long) {
    const n = v.toNumber();
    return Number.isSafeInteger(n) ? n : v;
  }
  if (Array.isArray(v)) return v.map(fromWire);
  if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      const narrowed = fromWire(x);
      if (narrowed !== x) setOwn(v, k, narrowed);
    }
    return v;
  }
  return v;
}

/** Assigns a field even when its name is `__proto__` (a legal BSON key that plain assignment would not store). */
function setOwn(doc: Doc, key: string, value: unknown): void {
  Object.defineProperty(doc, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Each copy toPlain made → the stored value it copies, so a query operator can still see BSON types. */
const originals = new WeakMap<object, object>();

/** Records that `copy` stands for the stored `original` (see typedOf). */
export function copiedFrom<T extends object>(copy: T, original: object): T {
  originals.set(copy, original);
  return copy;
}

/** The stored value a plain view stands for (itself when toPlain had nothing to convert). */
export function typedOf<T extends object>(plain: T): T {
  return (originals.get(plain) as T | undefined) ?? plain;
}

/**
 * The same value with `Double`s as JS numbers, for mingo (which sees a wrapped number as an object). Shares every
 * part that holds no `Double`, so a document without one is returned as is.
 */
export function toPlain<T>(v: T): T {
  if (v instanceof Double) return v.value as T;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    v.forEach((x: unknown, i) => {
      const p = toPlain(x);
      if (p !== x) (out ??= [...(v as unknown[])])[i] = p;
    });
    if (out) originals.set(out, v);
    return (out ?? v) as T;
  }
  if (isPlainObject(v)) {
    let out: Doc | undefined;
    for (const [k, x] of Object.entries(v)) {
      const p = toPlain(x);
      if (p !== x) setOwn((out ??= { ...v }), k, p);
    }
    if (out) originals.set(out, v);
    return (out ?? v) as T;
  }
  return v;
}

/** Deep copy of plain objects, arrays and Dates; other BSON values are immutable and shared. */
export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const [k, x] of Object.entries(v)) out[k] = clone(x);
    return out as T;
  }
  return v;
}

/** The value at a dotted path without traversing arrays (undefined when missing). */
export function getPath(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(cur) && /^\d+$/.test(part)) cur = cur[Number(part)];
    else if (isPlainObject(cur)) cur = cur[part];
    else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Sets a dotted path, creating intermediate documents. */
export function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: Doc = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cur[part])) cur[part] = {};
    cur = cur[part] as Doc;
  }
  cur[parts[parts.length - 1]] = value;
}

/**
 * All values an index or sort sees at a path: arrays along the way fan out (a multikey index); a missing field is
 * null and an empty array is undefined, as in mongod's key generation. With `indexKeys` false (distinct), missing
 * values and empty arrays yield nothing.
 */
export function pathValues(doc: unknown, path: string, indexKeys = true): unknown[] {
  const parts = path.split('.');
  const missing = indexKeys ? [null] : [];
  const walk = (cur: unknown, i: number): unknown[] => {
    if (i === parts.length) {
      if (Array.isArray(cur)) return cur.length ? cur : indexKeys ? [undefined] : [];
      return cur === undefined ? missing : [cur];
    }
    if (Array.isArray(cur)) {
      if (/^\d+$/.test(parts[i])) return walk(cur[Number(parts[i])], i + 1);
      const out = cur.flatMap((el) => (isPlainObject(el) ? walk(el[parts[i]], i + 1) : []));
      return out.length ? out : missing;
    }
    if (isPlainObject(cur)) return walk(cur[parts[i]], i + 1);
    return missing;
  };
  return walk(doc, 0);
}

export function newObjectId(): ObjectId {
  return new ObjectId();
}

/** Puts `_id` first, as mongod stores it. */
export function withIdFirst(doc: Doc): Doc {
  if (Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}
