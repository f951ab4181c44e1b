import { deserialize, serialize, type Document } from 'bson';
import { fromWire } from './values';

/** Wire protocol opcodes (https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/). */
export const OpCode = { OP_REPLY: 1, OP_QUERY: 2004, OP_COMPRESSED: 2012, OP_MSG: 2013 } as const;

const HEADER_SIZE = 16;
export const MAX_MESSAGE_SIZE = 48_000_000;

const FLAG_CHECKSUM_PRESENT = 1 << 0;
const FLAG_MORE_TO_COME = 1 << 1;
const FLAG_EXHAUST_ALLOWED = 1 << 16;

/**
 * Numbers are read with their BSON width and then narrowed by `fromWire`: int32 and non-integral doubles become JS
 * numbers (which `serialize` writes back as int32 and double), integral doubles stay `Double` so `2.0` is still a
 * double when it is read back.
 */
const DESERIALIZE_OPTIONS = {
  promoteValues: false,
  promoteBuffers: false,
  bsonRegExp: false,
};

export interface Header {
  messageLength: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export type Request =
  | { kind: 'msg'; header: Header; command: Document; moreToCome: boolean; exhaustAllowed: boolean }
  | { kind: 'query'; header: Header; collection: string; command: Document }
  | { kind: 'unsupported'; header: Header };

/** Length of the first complete message in `buf`, or 0 if more bytes are needed. */
export function completeMessageLength(buf: Buffer): number {
  if (buf.length < 4) return 0;
  const len = buf.readInt32LE(0);
  if (len < HEADER_SIZE || len > MAX_MESSAGE_SIZE) throw new Error(`invalid message length ${len}`);
  return buf.length >= len ? len : 0;
}

function readCString(buf: Buffer, offset: number): [string, number] {
  const end = buf.indexOf(0, offset);
  if (end < 0) throw new Error('unterminated cstring');
  return [buf.toString('utf8', offset, end), end + 1];
}

function readDocument(buf: Buffer, offset: number): [Document, number] {
  const size = buf.readInt32LE(offset);
  const doc = fromWire(deserialize(buf.subarray(offset, offset + size), DESERIALIZE_OPTIONS)) as Document;
  return [doc, offset + size];
}

/**
 * Parses one message. OP_MSG document sequences (kind 1) are folded into the command under their identifier,
 * which is how mongod presents `documents`/`updates`/`deletes` to the command either way.
 */
export function parseMessage(msg: Buffer): Request {
  const header: Header = {
    messageLength: msg.readInt32LE(0),
    requestId: msg.readInt32LE(4),
    responseTo: msg.readInt32LE(8),
    opCode: msg.readInt32LE(12),
  };
  if (header.opCode === OpCode.OP_MSG) {
    const flags = msg.readUInt32LE(HEADER_SIZE);
    const end = flags & FLAG_CHECKSUM_PRESENT ? msg.length - 4 : msg.length;
    let offset = HEADER_SIZE + 4;
    let command: Document | undefined;
    const sequences: [string, Document[]][] = [];
    while (offset < end) {
      const kind = msg.readUInt8(offset++);
      if (kind === 0) {
        [command, offset] = readDocument(msg, offset);
      } else if (kind === 1) {
        const sectionEnd = offset + msg.readInt32LE(offset);
        const [identifier, start] = readCString(msg, offset + 4);
        let pos = start;
        const docs: Document[] = [];
        while (pos < sectionEnd) {
          let doc: Document;
          [doc, pos] = readDocument(msg, pos);
          docs.push(doc);
        }
        sequences.push([identifier, docs]);
        offset = sectionEnd;
      } else {
        throw new Error(`unknown OP_MSG section kind ${kind}`);
      }
    }
    if (!command) throw new Error('OP_MSG without a body section');
    for (const [identifier, docs] of sequences) command[identifier] = docs;
    return {
      kind: 'msg',
      header,
      command,
      moreToCome: (flags & FLAG_MORE_TO_COME) !== 0,
      exhaustAllowed: (flags & FLAG_EXHAUST_ALLOWED) !== 0,
    };
  }
  if (header.opCode === OpCode.OP_QUERY) {
    const [collection, offset] = readCString(msg, HEADER_SIZE + 4);
    const [query] = readDocument(msg, offset + 8);
    // Legacy clients may wrap the command as { $query: {...}, $readPreference: ... }.
    const command = (query.$query as Document | undefined) ?? query;
    return { kind: 'query', header, collection, command };
  }
  return { kind: 'unsupported', header };
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const buf = Buffer.alloc(HEADER_SIZE);
  buf.writeInt32LE(length, 0);
  buf.writeInt32LE(requestId, 4);
  buf.writeInt32LE(responseTo, 8);
  buf.writeInt32LE(opCode, 12);
  return buf;
}

/** `moreToCome` marks one reply of a stream (an exhaust `hello`): the client reads on without sending. */
export function encodeMsgReply(
  requestId: number,
  responseTo: number,
  reply: Document,
  moreToCome = false,
): Buffer {
  const body = serialize(reply);
  const flagsAndKind = Buffer.alloc(5); // flags, then section kind 0
  flagsAndKind.writeUInt32LE(moreToCome ? FLAG_MORE_TO_COME : 0, 0);
  const length = HEADER_SIZE + flagsAndKind.length + body.length;
  return Buffer.concat([header(length, requestId, responseTo, OpCode.OP_MSG), flagsAndKind, body]);
}

export function encodeOpReply(requestId: number, responseTo: number, reply: Document): Buffer {
  const body = serialize(reply);
  const fields = Buffer.alloc(20); // responseFlags, cursorID (int64), startingFrom, numberReturned
  fields.writeInt32LE(1, 16);
  const length = HEADER_SIZE + fields.length + body.length;
  return Buffer.concat([header(length, requestId, responseTo, OpCode.OP_REPLY), fields, body]);
}
