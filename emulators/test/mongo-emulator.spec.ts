/**
 * What only the emulator has (reset, the embedded fallback) and the wire-level details the Node driver never
 * exercises (OP_MSG document sequences, OP_QUERY handshakes), checked over a raw socket.
 */
import { deserialize, Long, ObjectId, serialize, type Document } from 'bson';
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type MongoClientOptions } from 'mongodb';
import { startEmbeddedMongo, startMongoEmulator, type MongoEmulator } from '../src/mongo';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;

function frame(opCode: number, requestId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + body.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, body]);
}

function opMsg(
  requestId: number,
  command: Document,
  sequences: Record<string, Document[]> = {},
  flags = 0,
): Buffer {
  const flagBits = Buffer.alloc(4);
  flagBits.writeUInt32LE(flags, 0);
  const parts: Uint8Array[] = [flagBits, Buffer.from([0]), serialize(command)];
  for (const [identifier, docs] of Object.entries(sequences)) {
    const payload = Buffer.concat([Buffer.from(`${identifier}\0`), ...docs.map((d) => serialize(d))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4, 0);
    parts.push(Buffer.from([1]), size, payload);
  }
  return frame(OP_MSG, requestId, Buffer.concat(parts));
}

function opQuery(requestId: number, collection: string, query: Document): Buffer {
  const flags = Buffer.alloc(4);
  const skipAndReturn = Buffer.alloc(8);
  skipAndReturn.writeInt32LE(-1, 4);
  return frame(
    OP_QUERY,
    requestId,
    Buffer.concat([flags, Buffer.from(`${collection}\0`), skipAndReturn, serialize(query)]),
  );
}

interface Reply {
  opCode: number;
  requestId: number;
  responseTo: number;
  moreToCome: boolean;
  doc: Document;
}

const MORE_TO_COME = 1 << 1;
const EXHAUST_ALLOWED = 1 << 16;

/** A minimal client: one request, one reply (or a stream of replies for exhaust). */
class RawClient {
  private buffer = Buffer.alloc(0);
  private waiter?: (r: Reply) => void;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4 && this.buffer.length >= this.buffer.readInt32LE(0)) {
        const msg = this.buffer.subarray(0, this.buffer.readInt32LE(0));
        this.buffer = this.buffer.subarray(msg.length);
        const opCode = msg.readInt32LE(12);
        const docStart = opCode === OP_REPLY ? 36 : 21;
        this.waiter?.({
          opCode,
          requestId: msg.readInt32LE(4),
          responseTo: msg.readInt32LE(8),
          moreToCome: opCode === OP_MSG && (msg.readUInt32LE(16) & MORE_TO_COME) !== 0,
          doc: deserialize(msg.subarray(docStart), { promoteLongs: false }),
        });
      }
    });
  }

  /** Resolves with the next `n` replies, whatever they answer. */
  replies(n: number): Promise<Reply[]> {
    const got: Reply[] = [];
    return new Promise((resolve) => {
      this.waiter = (r) => {
        got.push(r);
        if (got.length === n) resolve(got);
      };
    });
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(message: Buffer): void {
    this.socket.write(message);
  }

  request(message: Buffer): Promise<Reply> {
    const reply = new Promise<Reply>((resolve) => (this.waiter = resolve));
    this.send(message);
    return reply;
  }

  close(): void {
    this.socket.destroy();
  }
}

describe('mongo emulator', () => {
  let emulator: MongoEmulator;
  let raw: RawClient;

  beforeAll(async () => {
    emulator = await startMongoEmulator({ port: 0 });
    raw = await RawClient.open(emulator.port);
  });

  afterAll(async () => {
    raw.close();
    await emulator.close();
  });

  it('answers the legacy OP_QUERY isMaster handshake with OP_REPLY', async () => {
    const reply = await raw.request(opQuery(7, 'admin.$cmd', { isMaster: 1, helloOk: true }));
    expect(reply.opCode).toBe(OP_REPLY);
    expect(reply.responseTo).toBe(7);
    expect(reply.doc).toMatchObject({
      ismaster: true,
      helloOk: true,
      maxWireVersion: 21,
      minWireVersion: 0,
      ok: 1,
    });
    expect(reply.doc.topologyVersion).toEqual({ processId: expect.any(ObjectId), counter: Long.ZERO });
  });

  it('streams awaitable hello replies with moreToCome, each answering the previous one', async () => {
    const { topologyVersion } = (await raw.request(opMsg(20, { hello: 1, $db: 'admin' }))).doc;
    const stream = await RawClient.open(emulator.port);
    try {
      const replies = stream.replies(3);
      stream.send(
        opMsg(21, { hello: 1, topologyVersion, maxAwaitTimeMS: 20, $db: 'admin' }, {}, EXHAUST_ALLOWED),
      );
      const [first, second, third] = await replies;
      expect(first).toMatchObject({ responseTo: 21, moreToCome: true, doc: { isWritablePrimary: true } });
      expect(second).toMatchObject({ responseTo: first.requestId, moreToCome: true });
      expect(third).toMatchObject({ responseTo: second.requestId, moreToCome: true });
    } finally {
      stream.close();
    }
  });

  it('accepts OP_MSG document sequences (section kind 1) and skips the reply for moreToCome', async () => {
    const inserted = await raw.request(
      opMsg(8, { insert: 'seq', $db: 'wire' }, { documents: [{ _id: 1 }, { _id: 2 }] }),
    );
    expect(inserted.opCode).toBe(OP_MSG);
    expect(inserted.responseTo).toBe(8);
    expect(inserted.doc).toEqual({ n: 2, ok: 1 });
    raw.send(
      opMsg(9, { insert: 'seq', $db: 'wire', writeConcern: { w: 0 } }, { documents: [{ _id: 3 }] }, 2),
    );
    const counted = await raw.request(opMsg(10, { count: 'seq', $db: 'wire' }));
    expect(counted.responseTo).toBe(10); // no reply was sent for request 9
    expect(counted.doc).toEqual({ n: 3, ok: 1 });
  });

  it("keeps the driver's streaming heartbeats succeeding, without clearing its pool", async () => {
    const client = new MongoClient(emulator.uri, { heartbeatFrequencyMS: 500 });
    const awaited: boolean[] = [];
    let failures = 0;
    let poolClears = 0;
    const threeAwaited = new Promise<void>((resolve) =>
      client.on('serverHeartbeatSucceeded', (e) => {
        awaited.push(e.awaited);
        if (awaited.filter(Boolean).length === 3) resolve();
      }),
    );
    client.on('serverHeartbeatFailed', () => failures++);
    client.on('connectionPoolCleared', () => poolClears++);
    try {
      await client.connect();
      await threeAwaited;
      await client.db('hb').collection('x').insertOne({ a: 1 });
      expect({ failures, poolClears }).toEqual({ failures: 0, poolClears: 0 });
    } finally {
      await client.close();
    }
  });

  it('drops all data on reset() and keeps serving', async () => {
    const client = await MongoClient.connect(emulator.uri);
    try {
      await client.db('a').collection('x').insertOne({ v: 1 });
      await client.db('b').collection('y').createIndex({ v: 1 }, { unique: true });
      emulator.reset();
      expect((await client.db().admin().listDatabases()).databases).toEqual([]);
      await client
        .db('b')
        .collection('y')
        .insertMany([{ v: 1 }, { v: 1 }]); // the unique index went too
      expect(await client.db('b').collection('y').countDocuments()).toBe(2);
    } finally {
      await client.close();
    }
  });

  it('refuses transactions as a standalone mongod does', async () => {
    const client = await MongoClient.connect(emulator.uri);
    try {
      const err = await client
        .db('t')
        .command({
          insert: 'x',
          documents: [{ a: 1 }],
          txnNumber: 1,
          startTransaction: true,
          autocommit: false,
        })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 20,
        codeName: 'IllegalOperation',
        errmsg: 'Transaction numbers are only allowed on a replica set member or mongos',
      });
    } finally {
      await client.close();
    }
  });

  it('fails unsupported features loudly with NotImplemented (238)', async () => {
    const client = await MongoClient.connect(emulator.uri);
    try {
      const err = await client
        .db('t')
        .collection('x')
        .aggregate([{ $out: 'y' }])
        .toArray()
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 238, codeName: 'NotImplemented' });
    } finally {
      await client.close();
    }
  });

  it('refuses a collation it would otherwise ignore, and changes nothing', async () => {
    const client = await MongoClient.connect(emulator.uri);
    try {
      const users = client.db('collation').collection('users');
      await users.insertMany([{ email: 'Eve@Example.com' }, { email: 'eve@example.com' }]);
      const caseless = { locale: 'en', strength: 2 };
      const failures = await Promise.all(
        [
          users.find({ email: 'eve@example.com' }, { collation: caseless }).toArray(),
          users.aggregate([{ $match: {} }], { collation: caseless }).toArray(),
          users.countDocuments({}, { collation: caseless }),
          users.updateMany({}, { $set: { seen: true } }, { collation: caseless }),
          users.deleteMany({ email: 'eve@example.com' }, { collation: caseless }),
          users.createIndex({ email: 1 }, { unique: true, collation: caseless }),
        ].map((p) =>
          p.then(
            () => undefined,
            (e: unknown) => e,
          ),
        ),
      );
      failures.forEach((err) => expect(err).toMatchObject({ code: 238, codeName: 'NotImplemented' }));
      expect(await users.find({}, { projection: { _id: 0 } }).toArray()).toEqual([
        { email: 'Eve@Example.com' },
        { email: 'eve@example.com' },
      ]);
      expect((await users.listIndexes().toArray()).map((i) => i.name as string)).toEqual(['_id_']);
      // The default collation, spelled out, is what the emulator does anyway.
      expect(await users.countDocuments({}, { collation: { locale: 'simple' } })).toBe(2);
    } finally {
      await client.close();
    }
  });
});

describe('mongo emulator faults', () => {
  let emulator: MongoEmulator;
  let client: MongoClient;
  // Fail fast: a stalled or refusing server must not hold a test for the driver's 30 s defaults (this driver
  // ignores timeoutMS; a socket timeout is what ends a request the server never answers).
  const fastFailing: MongoClientOptions = {
    serverSelectionTimeoutMS: 500,
    connectTimeoutMS: 500,
    socketTimeoutMS: 500,
  };

  beforeEach(async () => {
    emulator = await startMongoEmulator({ port: 0 });
    client = await MongoClient.connect(emulator.uri, fastFailing);
    await client
      .db('f')
      .collection('x')
      .insertOne({ _id: 1 } as Document);
  });

  afterEach(async () => {
    await client.close();
    await emulator.close();
  });

  const count = () => client.db('f').collection('x').countDocuments();

  it('stall: accepts and reads but never answers, then answers held requests when it ends', async () => {
    await emulator.setFault('stall');
    expect(emulator.fault).toBe('stall');
    await expect(count()).rejects.toThrow();
    const raw = await RawClient.open(emulator.port); // connections are still accepted
    let answered = false;
    const reply = raw.request(opMsg(30, { count: 'x', $db: 'f' })).then((r) => ((answered = true), r));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answered).toBe(false);
    await emulator.setFault('none');
    expect((await reply).doc).toEqual({ n: 1, ok: 1 });
    raw.close();
    expect(await count()).toBe(1); // the same client recovers
  });

  it('refuse: drops open connections and refuses new ones, then listens again on the same port', async () => {
    const raw = await RawClient.open(emulator.port);
    const dropped = new Promise((resolve) => raw.socket.once('close', resolve));
    await emulator.setFault('refuse');
    await dropped;
    await expect(RawClient.open(emulator.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(count()).rejects.toThrow();
    await emulator.setFault('none');
    expect(await count()).toBe(1); // data kept, and the same client reconnects
  });
});

describe('startEmbeddedMongo', () => {
  const saved = { ...process.env };

  afterEach(() => {
    process.env = { ...saved };
  });

  it('falls back to the emulator when no mongod binary can be had, logging one line', async () => {
    delete process.env.MONGOMS_SYSTEM_BINARY;
    process.env.MONGOMS_DOWNLOAD_DIR = mkdtempSync(join(tmpdir(), 'mongoms-empty-'));
    process.env.MONGOMS_DOWNLOAD_MIRROR = 'http://127.0.0.1:9'; // refused at once
    const lines: string[] = [];
    const started = Date.now();
    const embedded = await startEmbeddedMongo({
      dataDir: join(tmpdir(), 'unused-mongo-data'),
      dbName: 'lingo',
      log: (line) => lines.push(line),
    });
    try {
      expect(embedded.kind).toBe('emulator');
      expect(embedded.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/lingo$/);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/emulator.*MONGODB_URI/);
      expect(Date.now() - started).toBeLessThan(6000);
      const client = await MongoClient.connect(embedded.uri);
      await client.db().collection('users').insertOne({ email: 'a@b.c' });
      expect(client.db().databaseName).toBe('lingo');
      expect(await client.db('lingo').collection('users').countDocuments()).toBe(1);
      await client.close();
    } finally {
      await embedded.stop();
    }
  });
});
