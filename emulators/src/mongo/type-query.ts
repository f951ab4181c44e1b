import { Double } from 'bson';
import { fail } from './errors';
import { isPlainObject, type Doc } from './values';

/** mongod's BSON type codes and their aliases (the `$type` page of the manual); 'number' is any numeric type. */
const TYPE_CODES: Record<string, number> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  javascriptWithScope: 15,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
};
const KNOWN_CODES = new Set(Object.values(TYPE_CODES));
const NUMBER = 'number';
const NUMERIC_CODES = new Set([1, 16, 18, 19]);

const BSON_CLASS_CODES: Record<string, number> = {
  ObjectId: 7,
  Binary: 5,
  Long: 18,
  Decimal128: 19,
  Double: 1,
  Int32: 16,
  Timestamp: 17,
  MinKey: -1,
  MaxKey: 127,
  BSONSymbol: 14,
  Code: 13,
  DBRef: 3,
  BSONRegExp: 11,
};

/**
 * The BSON type code of a stored value. Stored documents keep integral doubles as `Double`; other JS numbers are
 * int32 when integral and in range, an int64 from a narrowed Long when integral beyond it, a double otherwise.
 */
function typeCodeOf(v: unknown): number {
  if (v === null) return 10;
  if (v === undefined) return 6;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return 1;
    return Math.abs(v) < 2 ** 31 ? 16 : 18;
  }
  if (typeof v === 'string') return 2;
  if (typeof v === 'boolean') return 8;
  if (v instanceof Date) return 9;
  if (v instanceof RegExp) return 11;
  if (Array.isArray(v)) return 4;
  if (v instanceof Double) return 1;
  const bsonType = (v as { _bsontype?: string })._bsontype;
  return (bsonType ? BSON_CLASS_CODES[bsonType] : undefined) ?? 3;
}

/** Parses a `$type` argument (a code, an alias or an array of them) into the codes it accepts. */
export function parseTypeSpec(spec: unknown): Set<number> {
  const list = Array.isArray(spec) ? spec : [spec];
  if (list.length === 0) fail('FailedToParse', '$type must match at least one type');
  const codes = new Set<number>();
  for (const t of list) {
    if (typeof t === 'number') {
      if (!Number.isInteger(t) || !KNOWN_CODES.has(t)) fail('BadValue', `Invalid numerical type code: ${t}`);
      codes.add(t);
    } else if (t === NUMBER) NUMERIC_CODES.forEach((c) => codes.add(c));
    else if (typeof t === 'string' && t in TYPE_CODES) codes.add(TYPE_CODES[t]);
    else if (typeof t === 'string') fail('BadValue', `Unknown type name alias: ${t}`);
    else fail('TypeMismatch', 'type must be represented as a number or a string');
  }
  return codes;
}

/** The values `path` reaches: an array counts itself and each element, as `$type` sees it. */
function reached(doc: unknown, parts: string[]): unknown[] {
  if (parts.length === 0) return Array.isArray(doc) ? [doc, ...(doc as unknown[])] : [doc];
  const [head, ...rest] = parts;
  if (Array.isArray(doc)) {
    if (/^\d+$/.test(head)) return doc.length > Number(head) ? reached(doc[Number(head)], rest) : [];
    return doc.flatMap((el) => (isPlainObject(el) ? reached(el, parts) : []));
  }
  if (!isPlainObject(doc) || !(head in doc)) return [];
  return reached(doc[head], rest);
}

/** True when some value at `path` of the stored document has one of these BSON types (missing matches none). */
export function matchesType(doc: Doc, path: string, codes: Set<number>): boolean {
  return reached(doc, path.split('.')).some((v) => codes.has(typeCodeOf(v)));
}
