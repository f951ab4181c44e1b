/** An app user id in canonical form: a MongoDB ObjectId's 24 lower-case hex digits (also the Stream user id). */
export const OBJECT_ID_PATTERN = /^[0-9a-f]{24}$/;

/**
 * The canonical form of `value` if it is 24 hex digits in any case, else undefined. Stricter than
 * Types.ObjectId.isValid, which also accepts any 12-character string.
 */
export const toObjectId = (value: unknown): string | undefined =>
  typeof value === 'string' && /^[0-9a-f]{24}$/i.test(value) ? value.toLowerCase() : undefined;
