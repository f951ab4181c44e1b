import { BadRequestException, HttpException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';

/** How deep and how wide a JSON request body may be; checked on the raw bytes before it is parsed. */
export interface JsonShapeLimits {
  maxDepth: number;
  maxArrayLength: number;
}

export type JsonShapeViolation = 'depth' | 'array-length';

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * One pass over the bytes, outside strings: nesting deeper than `maxDepth` or an array with more than
 * `maxArrayLength` elements is reported without building anything, so a hostile body costs a scan, not a
 * parse plus a recursive validation (which overflows the stack on a few thousand levels). Malformed JSON is
 * left to the parser.
 */
export function checkJsonShape(body: Buffer, limits: JsonShapeLimits): JsonShapeViolation | undefined {
  // Per open container: whether it is an array, and the commas seen in it (elements - 1; counted for arrays).
  const commas: number[] = [];
  const isArray: boolean[] = [];
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (isArray.length >= limits.maxDepth) return 'depth';
      isArray.push(c === OPEN_ARRAY);
      commas.push(0);
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      isArray.pop();
      commas.pop();
    } else if (c === COMMA && isArray[isArray.length - 1]) {
      commas[commas.length - 1] += 1;
      if (commas[commas.length - 1] >= limits.maxArrayLength) return 'array-length';
    }
  }
  return undefined;
}

/** A body-parser `verify` hook refusing, before parsing, a body that breaks the limits (400). */
export const verifyJsonShape =
  (limits: JsonShapeLimits) =>
  (_req: unknown, _res: unknown, body: Buffer): void => {
    const violation = checkJsonShape(body, limits);
    if (!violation) return;
    const message =
      violation === 'depth'
        ? `JSON body is nested deeper than ${limits.maxDepth} levels`
        : `JSON body has an array longer than ${limits.maxArrayLength} elements`;
    throw new BadRequestException(message);
  };

/** body-parser's own failures, as http-errors: a 4xx `status`, `expose`, and a `type` naming the failure. */
interface BodyParserError {
  status: number;
  expose: boolean;
  type?: string;
  charset?: string;
}

const isBodyParserError = (e: unknown): e is BodyParserError =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as BodyParserError).status === 'number' &&
  (e as BodyParserError).status < 500 &&
  typeof (e as BodyParserError).expose === 'boolean';

const messageFor = (e: BodyParserError, bodyLimit: string): string => {
  switch (e.type) {
    case 'entity.parse.failed':
      return 'Malformed JSON body';
    case 'entity.too.large':
      return `Request body is larger than ${bodyLimit}`;
    case 'charset.unsupported':
      return `Unsupported charset "${e.charset ?? ''}"`;
    case 'encoding.unsupported':
      return 'Unsupported content encoding';
    default:
      return STATUS_CODES[e.status] ?? 'Bad request';
  }
};

/**
 * An Express error handler placed right after the JSON parser: its failures become HttpExceptions with one clear
 * message (Nest would otherwise pass the parser's raw text on), so the global filter renders them as every other
 * 4xx. A `verify` rejection is already an HttpException.
 */
export const bodyParserErrors =
  (bodyLimit: string) =>
  (err: unknown, _req: Request, _res: Response, next: NextFunction): void => {
    if (err instanceof HttpException || !isBodyParserError(err)) return next(err);
    next(new HttpException(messageFor(err, bodyLimit), err.status));
  };
