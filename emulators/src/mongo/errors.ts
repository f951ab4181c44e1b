import type { Document } from 'bson';

/** The codes mongod uses for the failures the emulator reproduces (src/mongo/base/error_codes.yml). */
export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  InvalidPipelineOperator: 168,
  NotImplemented: 238,
  DuplicateKey: 11000,
  Location31253: 31253,
  Location31254: 31254,
  Location31368: 31368,
  Location31373: 31373,
  Location31382: 31382,
  Location40324: 40324,
} as const;

export type CodeName = keyof typeof ErrorCodes;

/**
 * A failure with mongod's code and code name. Thrown anywhere below a command; the dispatcher turns it into
 * `{ ok: 0, errmsg, code, codeName, ...extra }`, and write commands turn it into a `writeErrors` entry.
 */
export class MongoServerError extends Error {
  readonly code: number;

  constructor(
    readonly codeName: CodeName,
    message: string,
    readonly extra: Document = {},
  ) {
    super(message);
    this.code = ErrorCodes[codeName];
  }

  /** mongod's `Status::addContext`: the context in front, the original reason after `:: caused by ::`. */
  withContext(context: string): MongoServerError {
    return new MongoServerError(this.codeName, `${context} :: caused by :: ${this.message}`, this.extra);
  }

  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  toWriteError(index: number): Document {
    return { index, code: this.code, errmsg: this.message, ...this.extra };
  }
}

export function fail(codeName: CodeName, message: string, extra?: Document): never {
  throw new MongoServerError(codeName, message, extra);
}

/** For features the emulator does not have: fail loudly in mongod's shape rather than pretend to succeed. */
export function notImplemented(what: string): never {
  throw new MongoServerError('NotImplemented', `${what} is not supported by the MongoDB emulator`);
}
