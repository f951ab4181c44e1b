/**
 * The same assertions run against the emulator and, when MONGODB_URI is set, against that real server
 * (`MONGODB_URI=mongodb://localhost:27017 npx jest --selectProjects emulators -t conformance`), so anyone with a real
 * mongod can check the emulator's fidelity. A unique database is used per run and dropped afterwards.
 */
import {
  Double,
  Int32,
  Long,
  MongoClient,
  MongoServerError,
  ObjectId,
  type Db,
  type Document,
} from 'mongodb';
import mongoose, { Schema } from 'mongoose';
import { startMongoEmulator, type MongoEmulator } from '../src/mongo';

const realUri = process.env.MONGODB_URI;
const dbName = `conformance_${process.pid}_${Date.now()}`;
let emulator: MongoEmulator | undefined;
let uri: string;
let client: MongoClient;
let db: Db;

interface CursorReply {
  cursor: { firstBatch: Document[]; nextBatch: Document[]; id: Long; ns: string };
}
interface WriteReply {
  n: number;
  writeErrors?: { index: number }[];
}

/** Runs a raw command keeping int64 cursor ids as Long, as the driver's own cursors do. */
async function command<T = Document>(cmd: Document): Promise<T> {
  return (await db.command(cmd, { promoteLongs: false })) as T;
}

const names = (docs: Document[]): string[] => docs.map((d) => d.name as string);

async function rejection(p: Promise<unknown>): Promise<MongoServerError> {
  const err: unknown = await p.then(
    () => new Error('expected the operation to fail'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MongoServerError);
  return err as MongoServerError;
}

async function expectCode(p: Promise<unknown>, code: number, codeName?: string): Promise<MongoServerError> {
  const err = await rejection(p);
  expect(err.code).toBe(code);
  if (codeName) expect(err.codeName).toBe(codeName);
  return err;
}

beforeAll(async () => {
  if (realUri) {
    uri = realUri;
  } else {
    emulator = await startMongoEmulator({ port: 0 });
    uri = emulator.uri;
  }
  client = await MongoClient.connect(uri);
  db = client.db(dbName);
});

afterAll(async () => {
  await db.dropDatabase();
  await client.close();
  await emulator?.close();
});

beforeEach(async () => {
  await db.dropDatabase();
});

describe('mongo conformance', () => {
  describe('handshake and admin commands', () => {
    it('answers hello, legacy isMaster, ping and buildInfo as a writable 7.0+ standalone', async () => {
      const hello = await db.admin().command({ hello: 1 });
      expect(hello).toMatchObject({ isWritablePrimary: true, ok: 1, logicalSessionTimeoutMinutes: 30 });
      expect(hello.maxWireVersion).toBeGreaterThanOrEqual(21);
      expect(hello.setName).toBeUndefined();
      const legacy = await db.admin().command({ isMaster: 1 });
      expect(legacy.ismaster).toBe(true);
      expect(await db.admin().command({ ping: 1 })).toMatchObject({ ok: 1 });
      const info = (await db.admin().command({ buildInfo: 1 })) as {
        version: string;
        versionArray: number[];
      };
      expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(Number(info.version.split('.')[0])).toBeGreaterThanOrEqual(7);
      expect(info.versionArray.slice(0, 3)).toEqual(info.version.split('.').slice(0, 3).map(Number));
    });

    it('answers an unknown command with CommandNotFound (59)', async () => {
      const err = await expectCode(db.command({ frobnicate: 1 }), 59, 'CommandNotFound');
      expect(err.errmsg).toBe("no such command: 'frobnicate'");
    });

    it('accepts endSessions', async () => {
      const session = client.startSession();
      await db.collection('s').insertOne({ a: 1 }, { session });
      await session.endSession();
      expect(await db.admin().command({ endSessions: [session.id] })).toMatchObject({ ok: 1 });
    });
  });

  describe('insert and find', () => {
    it('stores documents and finds them with filter, sort, projection, skip and limit', async () => {
      const users = db.collection('users');
      const res = await db.command({
        insert: 'users',
        documents: [
          { name: 'ann', age: 30, tags: ['a'] },
          { name: 'bob', age: 25, tags: ['b'] },
          { name: 'cid', age: 35, tags: ['a', 'b'] },
        ],
      });
      expect(res).toMatchObject({ n: 3, ok: 1 });
      expect(res.writeErrors).toBeUndefined();
      const found = await users
        .find({ age: { $gte: 25 }, tags: 'a' }, { projection: { _id: 0, name: 1 } })
        .sort({ age: -1 })
        .toArray();
      expect(found).toEqual([{ name: 'cid' }, { name: 'ann' }]);
      const page = await users.find({}).sort({ name: 1 }).skip(1).limit(1).toArray();
      expect(names(page)).toEqual(['bob']);
      const excluded = await users.findOne({ name: 'ann' }, { projection: { tags: 0, _id: 0 } });
      expect(excluded).toEqual({ name: 'ann', age: 30 });
    });

    it('generates ObjectIds, keeps _id first and round-trips BSON types', async () => {
      const at = new Date('2024-01-02T03:04:05.678Z');
      const { insertedId } = await db
        .collection('t')
        .insertOne({ when: at, n: 5, x: 1.5, big: Long.fromString('9007199254740993') });
      expect(insertedId).toBeInstanceOf(ObjectId);
      const raw = await db.collection('t').findOne({}, { promoteValues: false });
      expect(Object.keys(raw!)[0]).toBe('_id');
      expect(raw!.n).toBeInstanceOf(Int32);
      expect(raw!.x).toBeInstanceOf(Double);
      const doc = await db.collection('t').findOne({ when: { $gt: new Date('2024-01-01') } });
      expect(doc!.when).toEqual(at);
    });

    it('matches ObjectIds in $in, $nin, $ne and array equality', async () => {
      const [a, b, c] = [new ObjectId(), new ObjectId(), new ObjectId()];
      const coll = db.collection('refs');
      await coll.insertMany([
        { _id: a, friends: [b] },
        { _id: b, friends: [a, c] },
        { _id: c, friends: [] },
      ]);
      const ids = async (filter: object): Promise<string[]> =>
        (await coll.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id.toHexString());
      expect(await ids({ _id: { $in: [new ObjectId(a.toHexString()), c] } })).toEqual([a, c].map(String));
      expect(await ids({ _id: { $nin: [a] } })).toEqual([b, c].map(String));
      expect(await ids({ _id: { $ne: b } })).toEqual([a, c].map(String));
      expect(await ids({ friends: new ObjectId(a.toHexString()) })).toEqual([String(b)]);
      expect(await ids({ $or: [{ friends: c }, { _id: a }], friends: { $ne: [] } })).toEqual(
        [a, b].map(String),
      );
    });

    it('sorts mixed types in BSON order and dates chronologically', async () => {
      const oid = new ObjectId();
      const date = new Date(0);
      await db
        .collection('mixed')
        .insertMany([{ v: date }, { v: true }, { v: oid }, { v: 'a' }, { v: 1 }, { v: null }]);
      const sorted = await db.collection('mixed').find({}).sort({ v: 1 }).toArray();
      expect(sorted.map((d) => d.v as unknown)).toEqual([null, 1, 'a', oid, true, date]);
      const dates = db.collection('dates');
      await dates.insertMany([{ d: new Date(3) }, { d: new Date(1) }, { d: new Date(2) }]);
      const desc = await dates
        .find({ d: { $lt: new Date(3) } })
        .sort({ d: -1 })
        .toArray();
      expect(desc.map((x) => (x.d as Date).getTime())).toEqual([2, 1]);
    });

    it('rejects an unknown query operator with BadValue (2)', async () => {
      await db.collection('q').insertOne({ a: 1 });
      const err = await expectCode(
        db
          .collection('q')
          .find({ a: { $bar: 1 } })
          .toArray(),
        2,
        'BadValue',
      );
      expect(err.errmsg).toBe('unknown operator: $bar');
    });

    it('does not reply to unacknowledged (moreToCome) writes, yet applies them', async () => {
      await db.collection('w0').insertOne({ fire: 'and forget' }, { writeConcern: { w: 0 } });
      await new Promise((r) => setTimeout(r, 50));
      expect(await db.collection('w0').countDocuments({ fire: 'and forget' })).toBe(1);
    });
  });

  describe('cursors', () => {
    beforeEach(async () => {
      await db.collection('many').insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));
    });

    it('returns 101 documents in the first batch by default and the rest through getMore', async () => {
      const first = await command<CursorReply>({ find: 'many', sort: { i: 1 } });
      expect(first.cursor.firstBatch).toHaveLength(101);
      expect(first.cursor.id).toBeInstanceOf(Long);
      expect(first.cursor.id.isZero()).toBe(false);
      expect(first.cursor.ns).toBe(`${dbName}.many`);
      const more = await command<CursorReply>({
        getMore: first.cursor.id,
        collection: 'many',
        batchSize: 100,
      });
      expect(more.cursor.nextBatch.map((d) => d.i as number)).toEqual(
        Array.from({ length: 100 }, (_, i) => i + 101),
      );
      const last = await command<CursorReply>({ getMore: first.cursor.id, collection: 'many' });
      expect(last.cursor.nextBatch).toHaveLength(49);
      expect(last.cursor.id.isZero()).toBe(true);
      expect(await db.collection('many').find({}).batchSize(7).toArray()).toHaveLength(250);
    });

    it('kills cursors and then answers getMore with CursorNotFound (43)', async () => {
      const first = await command<CursorReply>({ find: 'many', batchSize: 2 });
      expect(first.cursor.firstBatch).toHaveLength(2);
      const killed = await command<{ cursorsKilled: Long[] }>({
        killCursors: 'many',
        cursors: [first.cursor.id],
      });
      expect(killed).toMatchObject({ cursorsNotFound: [], cursorsAlive: [], cursorsUnknown: [], ok: 1 });
      expect(killed.cursorsKilled.map((id) => id.toString())).toEqual([String(first.cursor.id)]);
      await expectCode(db.command({ getMore: first.cursor.id, collection: 'many' }), 43, 'CursorNotFound');
    });

    it('closes the cursor with the first batch when everything fits, or on a negative limit', async () => {
      const small = await command<CursorReply>({ find: 'many', filter: { i: { $lt: 5 } } });
      expect(small.cursor.firstBatch).toHaveLength(5);
      expect(small.cursor.id.isZero()).toBe(true);
      const single = await command<CursorReply>({ find: 'many', limit: -3 });
      expect(single.cursor.firstBatch).toHaveLength(3);
      expect(single.cursor.id.isZero()).toBe(true);
    });
  });

  describe('update and delete', () => {
    it('updates one or many and reports n and nModified', async () => {
      await db.collection('u').insertMany([
        { k: 1, v: 0 },
        { k: 1, v: 0 },
        { k: 2, v: 5 },
      ]);
      const res = await db.command({
        update: 'u',
        updates: [
          { q: { k: 1 }, u: { $set: { v: 1 } }, multi: true },
          { q: { k: 2 }, u: { $set: { v: 5 } } },
          { q: { k: 9 }, u: { $set: { v: 9 } } },
        ],
      });
      expect(res).toMatchObject({ n: 3, nModified: 2, ok: 1 });
      expect(res.upserted).toBeUndefined();
      const many = await db.collection('u').updateMany({}, { $inc: { v: 1 } });
      expect(many).toMatchObject({ matchedCount: 3, modifiedCount: 3 });
      const replaced = await db.collection('u').replaceOne({ k: 2 }, { k: 3 });
      expect(replaced.modifiedCount).toBe(1);
      expect(await db.collection('u').findOne({ k: 3 }, { projection: { _id: 0 } })).toEqual({ k: 3 });
    });

    it('upserts with $setOnInsert and the filter equality fields', async () => {
      const coll = db.collection('up');
      const res = await db.command({
        update: 'up',
        updates: [
          {
            q: { email: 'a@b.c', 'profile.lang': 'fr', age: { $gt: 3 } },
            u: { $set: { seen: true }, $setOnInsert: { created: 1 } },
            upsert: true,
          },
        ],
      });
      expect(res).toMatchObject({ n: 1, nModified: 0, ok: 1 });
      expect(res.upserted).toHaveLength(1);
      expect(res.upserted[0].index).toBe(0);
      const doc = await coll.findOne({ _id: res.upserted[0]._id }, { projection: { _id: 0 } });
      expect(doc).toEqual({ email: 'a@b.c', profile: { lang: 'fr' }, seen: true, created: 1 });
      await coll.updateOne(
        { email: 'a@b.c' },
        { $set: { seen: false }, $setOnInsert: { created: 2 } },
        { upsert: true },
      );
      expect(await coll.findOne({}, { projection: { _id: 0, seen: 1, created: 1 } })).toEqual({
        seen: false,
        created: 1,
      });
    });

    it('applies $addToSet, $pull, $push, $unset and $currentDate with ObjectIds', async () => {
      const [a, b] = [new ObjectId(), new ObjectId()];
      const coll = db.collection<{ friends: ObjectId[]; log: string[]; gone?: number; at?: Date }>('ops');
      const { insertedId } = await coll.insertOne({ friends: [a], log: [], gone: 1 });
      await coll.updateOne(
        { _id: insertedId },
        { $addToSet: { friends: { $each: [new ObjectId(a.toHexString()), b] } } },
      );
      expect((await coll.findOne({ _id: insertedId }))!.friends).toEqual([a, b]);
      const pulled = await coll.updateMany(
        { friends: a },
        { $pull: { friends: new ObjectId(a.toHexString()) } },
      );
      expect(pulled.modifiedCount).toBe(1);
      await coll.updateOne(
        { _id: insertedId },
        { $push: { log: 'x' }, $unset: { gone: '' }, $currentDate: { at: true } },
      );
      const doc = await coll.findOne({ _id: insertedId });
      expect(doc).toMatchObject({ friends: [b], log: ['x'] });
      expect(doc!.gone).toBeUndefined();
      expect(doc!.at).toBeInstanceOf(Date);
    });

    // Write errors carry code and errmsg but no codeName, from mongod as from the emulator.
    it('reports update operator errors with mongod codes', async () => {
      // Deliberately ill-typed updates: the point is the server's answer.
      const coll = db.collection<{ s: number; n: number; arr: number[] }>('bad');
      const { insertedId } = await coll.insertOne({ s: 'text', n: 1, arr: 5 } as never);
      await expectCode(coll.updateOne({ _id: insertedId }, { $inc: { s: 1 } }), 14);
      await expectCode(coll.updateOne({ _id: insertedId }, { $push: { arr: 1 } }), 2);
      await expectCode(coll.updateOne({ _id: insertedId }, { $set: { _id: new ObjectId() } }), 66);
      const unknown = await expectCode(coll.updateOne({ _id: insertedId }, { $foo: { n: 1 } }), 9);
      expect(unknown.errmsg).toMatch(/^Unknown modifier: \$foo/);
      await expectCode(coll.updateOne({ _id: insertedId }, { $set: { n: 2 }, $inc: { n: 1 } }), 40);
      await expectCode(coll.findOneAndUpdate({ _id: insertedId }, { $inc: { s: 1 } }), 14, 'TypeMismatch');
      expect(await coll.findOne({ _id: insertedId }, { projection: { _id: 0 } })).toEqual({
        s: 'text',
        n: 1,
        arr: 5,
      });
    });

    it('deletes one or many', async () => {
      await db.collection('d').insertMany([{ k: 1 }, { k: 1 }, { k: 2 }, { k: 3 }]);
      expect((await db.collection('d').deleteOne({ k: 1 })).deletedCount).toBe(1);
      const res = await db.command({ delete: 'd', deletes: [{ q: { k: { $in: [1, 2] } }, limit: 0 }] });
      expect(res).toMatchObject({ n: 2, ok: 1 });
      expect(await db.collection('d').countDocuments()).toBe(1);
      expect((await db.collection('nothing').deleteMany({})).deletedCount).toBe(0);
    });
  });

  describe('findAndModify', () => {
    it('returns the document before or after, honours sort, fields, upsert and remove', async () => {
      const coll = db.collection('fam');
      await coll.insertMany([
        { k: 'a', n: 1 },
        { k: 'a', n: 2 },
      ]);
      const after = await coll.findOneAndUpdate(
        { k: 'a' },
        { $inc: { n: 10 } },
        { sort: { n: -1 }, returnDocument: 'after', projection: { _id: 0 } },
      );
      expect(after).toEqual({ k: 'a', n: 12 });
      const before = await coll.findOneAndUpdate(
        { k: 'a', n: 1 },
        { $set: { n: 0 } },
        { projection: { _id: 0, n: 1 } },
      );
      expect(before).toEqual({ n: 1 });
      const raw = await db.command({
        findAndModify: 'fam',
        query: { k: 'z' },
        update: { $setOnInsert: { n: 7 } },
        upsert: true,
        new: true,
      });
      expect(raw.ok).toBe(1);
      expect(raw.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false });
      expect(raw.lastErrorObject.upserted).toEqual(raw.value._id);
      expect(raw.value).toMatchObject({ k: 'z', n: 7 });
      const existing = await db.command({
        findAndModify: 'fam',
        query: { k: 'z' },
        update: { $set: { n: 8 } },
      });
      expect(existing.lastErrorObject).toEqual({ n: 1, updatedExisting: true });
      expect(existing.value.n).toBe(7);
      const none = await db.command({
        findAndModify: 'fam',
        query: { k: 'none' },
        update: { $set: { n: 1 } },
      });
      expect(none.lastErrorObject).toEqual({ n: 0, updatedExisting: false });
      expect(none.value).toBeNull();
      const removed = await coll.findOneAndDelete({ k: 'z' });
      expect(removed).toMatchObject({ k: 'z', n: 8 });
      expect(await coll.countDocuments()).toBe(2);
    });
  });

  describe('aggregate, count and distinct', () => {
    beforeEach(async () => {
      const [u1, u2] = [new ObjectId(), new ObjectId()];
      await db.collection('people').insertMany([
        { _id: u1, name: 'ann', team: 'x', score: 3, langs: ['fr', 'de'] },
        { _id: u2, name: 'bob', team: 'x', score: 5, langs: ['es'] },
        { name: 'cid', team: 'y', score: 1, langs: [] },
      ]);
      await db.collection('requests').insertMany([
        { sender: u1, recipient: u2, status: 'pending' },
        { sender: u2, recipient: u1, status: 'accepted' },
      ]);
    });

    it('runs $match, $group, $sort, $skip, $limit and $project', async () => {
      const groups = await db
        .collection('people')
        .aggregate([
          { $match: { score: { $gte: 1 } } },
          { $group: { _id: '$team', total: { $sum: '$score' }, n: { $sum: 1 } } },
          { $sort: { total: -1 } },
          { $project: { _id: 0, team: '$_id', total: 1, n: 1 } },
        ])
        .toArray();
      expect(groups).toEqual([
        { total: 8, n: 2, team: 'x' },
        { total: 1, n: 1, team: 'y' },
      ]);
      const paged = await db
        .collection('people')
        .aggregate([{ $sort: { score: 1 } }, { $skip: 1 }, { $limit: 1 }, { $project: { _id: 0, name: 1 } }])
        .toArray();
      expect(paged).toEqual([{ name: 'ann' }]);
    });

    it('yields no document from $count over nothing', async () => {
      expect(
        await db
          .collection('people')
          .aggregate([{ $match: { team: 'none' } }, { $count: 'n' }])
          .toArray(),
      ).toEqual([]);
      expect(
        await db
          .collection('people')
          .aggregate([{ $count: 'n' }])
          .toArray(),
      ).toEqual([{ n: 3 }]);
    });

    it('computes $addFields with $cond/$and/$eq/$in and $unwind', async () => {
      const rows = await db
        .collection('people')
        .aggregate([
          { $unwind: '$langs' },
          {
            $addFields: {
              european: {
                $cond: [{ $and: [{ $in: ['$langs', ['fr', 'de']] }, { $eq: ['$team', 'x'] }] }, 1, 0],
              },
            },
          },
          { $sort: { name: 1, langs: 1 } },
          { $project: { _id: 0, name: 1, langs: 1, european: 1 } },
        ])
        .toArray();
      expect(rows).toEqual([
        { name: 'ann', langs: 'de', european: 1 },
        { name: 'ann', langs: 'fr', european: 1 },
        { name: 'bob', langs: 'es', european: 0 },
      ]);
    });

    it('joins with $lookup in both the localField and the pipeline form', async () => {
      const simple = await db
        .collection('requests')
        .aggregate([
          { $match: { status: 'pending' } },
          { $lookup: { from: 'people', localField: 'sender', foreignField: '_id', as: 'from' } },
          { $project: { _id: 0, name: { $first: '$from.name' } } },
        ])
        .toArray();
      expect(simple).toEqual([{ name: 'ann' }]);
      const piped = await db
        .collection('people')
        .aggregate([
          { $match: { team: 'x' } },
          {
            $lookup: {
              from: 'requests',
              let: { me: '$_id' },
              pipeline: [
                { $match: { $expr: { $eq: ['$recipient', '$$me'] } } },
                { $project: { _id: 0, status: 1 } },
              ],
              as: 'incoming',
            },
          },
          { $sort: { name: 1 } },
          { $project: { _id: 0, name: 1, incoming: 1 } },
        ])
        .toArray();
      expect(piped).toEqual([
        { name: 'ann', incoming: [{ status: 'accepted' }] },
        { name: 'bob', incoming: [{ status: 'pending' }] },
      ]);
    });

    it('counts with countDocuments, estimatedDocumentCount and the count command', async () => {
      expect(await db.collection('people').countDocuments({ team: 'x' })).toBe(2);
      expect(await db.collection('people').countDocuments({}, { skip: 1, limit: 1 })).toBe(1);
      expect(await db.collection('missing').countDocuments({})).toBe(0);
      expect(await db.collection('people').estimatedDocumentCount()).toBe(3);
      expect(await db.command({ count: 'people', query: { score: { $gt: 2 } } })).toMatchObject({
        n: 2,
        ok: 1,
      });
    });

    it('lists distinct values, flattening arrays', async () => {
      expect(await db.collection('people').distinct('team')).toEqual(['x', 'y']);
      expect(await db.collection('people').distinct('langs', { team: 'x' })).toEqual(['de', 'es', 'fr']);
    });

    it('refuses an unknown stage', async () => {
      await expectCode(
        db
          .collection('people')
          .aggregate([{ $frobnicate: {} }])
          .toArray(),
        40324,
      );
    });
  });

  describe('collections and databases', () => {
    it('creates, lists and drops collections', async () => {
      await db.createCollection('c1');
      await db.command({ create: 'c1' }); // 7.0+: same options again is fine
      await expectCode(db.command({ create: 'c1', capped: true, size: 4096 }), 48, 'NamespaceExists');
      await db.collection('c2').insertOne({ a: 1 });
      const names = (await db.listCollections().toArray()).map((c) => c.name).sort();
      expect(names).toEqual(['c1', 'c2']);
      const filtered = await db.listCollections({ name: 'c2' }, { nameOnly: true }).toArray();
      expect(filtered).toEqual([{ name: 'c2', type: 'collection' }]);
      const full = await db.listCollections({ name: 'c1' }).toArray();
      expect(full[0]).toMatchObject({ name: 'c1', type: 'collection', info: { readOnly: false } });
      expect(await db.collection('c2').drop()).toBe(true);
      expect((await db.listCollections().toArray()).map((c) => c.name)).toEqual(['c1']);
    });

    it('lists and drops databases', async () => {
      await db.collection('x').insertOne({ a: 1 });
      const { databases } = await db.admin().listDatabases();
      expect(databases.map((d) => d.name)).toContain(dbName);
      await db.dropDatabase();
      const after = await db.admin().listDatabases({ nameOnly: true });
      expect(after.databases.map((d) => d.name)).not.toContain(dbName);
      expect(await db.collection('x').countDocuments()).toBe(0);
    });
  });

  describe('indexes', () => {
    it('creates, lists and drops indexes', async () => {
      const coll = db.collection('ix');
      const res = await db.command({ createIndexes: 'ix', indexes: [{ key: { a: 1 }, name: 'a_1' }] });
      expect(res).toMatchObject({
        numIndexesBefore: 1,
        numIndexesAfter: 2,
        createdCollectionAutomatically: true,
        ok: 1,
      });
      const again = await db.command({ createIndexes: 'ix', indexes: [{ key: { a: 1 }, name: 'a_1' }] });
      expect(again).toMatchObject({
        numIndexesBefore: 2,
        numIndexesAfter: 2,
        note: 'all indexes already exist',
      });
      await coll.createIndex({ b: 1, c: -1 }, { unique: true, sparse: true });
      const list = await coll.listIndexes().toArray();
      expect(names(list)).toEqual(['_id_', 'a_1', 'b_1_c_-1']);
      expect(list[0]).toMatchObject({ v: 2, key: { _id: 1 }, name: '_id_' });
      expect(list[2]).toMatchObject({ key: { b: 1, c: -1 }, unique: true, sparse: true });
      await coll.dropIndex('a_1');
      expect(names(await coll.listIndexes().toArray())).toEqual(['_id_', 'b_1_c_-1']);
      await coll.dropIndexes();
      expect(names(await coll.listIndexes().toArray())).toEqual(['_id_']);
      await expectCode(coll.dropIndex('nope'), 27, 'IndexNotFound');
      await expectCode(coll.dropIndex('_id_'), 72, 'InvalidOptions');
    });

    it('reports index conflicts with 85 and 86', async () => {
      await db.collection('conf').createIndex({ a: 1 }, { name: 'a_1' });
      await expectCode(
        db.collection('conf').createIndex({ a: 1 }, { name: 'other' }),
        85,
        'IndexOptionsConflict',
      );
      await expectCode(
        db.collection('conf').createIndex({ a: 1 }, { name: 'a_1', unique: true }),
        85,
        'IndexOptionsConflict',
      );
      await expectCode(
        db.collection('conf').createIndex({ b: 1 }, { name: 'a_1' }),
        86,
        'IndexKeySpecsConflict',
      );
    });

    it('lists each index with the options it was created with (partial, TTL, sparse)', async () => {
      const partial = { status: { $in: ['pending', 'accepted'] } };
      await db
        .collection('opts')
        .createIndex({ pairKey: 1 }, { unique: true, partialFilterExpression: partial });
      await db.collection('opts').createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
      await db.collection('opts').createIndex({ token: 1 }, { unique: true, sparse: true, name: 'by_token' });
      const list = await db.collection('opts').listIndexes().toArray();
      expect(list).toEqual([
        { v: 2, key: { _id: 1 }, name: '_id_' },
        { v: 2, key: { pairKey: 1 }, name: 'pairKey_1', unique: true, partialFilterExpression: partial },
        { v: 2, key: { expiresAt: 1 }, name: 'expiresAt_1', expireAfterSeconds: 0 },
        { v: 2, key: { token: 1 }, name: 'by_token', unique: true, sparse: true },
      ]);
    });

    it('answers listIndexes and dropIndexes on a missing collection with NamespaceNotFound (26)', async () => {
      await expectCode(db.collection('ghost').listIndexes().toArray(), 26, 'NamespaceNotFound');
      await expectCode(db.command({ dropIndexes: 'ghost', index: '*' }), 26, 'NamespaceNotFound');
    });
  });

  describe('unique indexes', () => {
    it('rejects a duplicate with the exact 11000 shape', async () => {
      const users = db.collection('users');
      await users.createIndex({ email: 1 }, { unique: true });
      await users.insertOne({ email: 'a@b.c' });
      const err = await expectCode(users.insertOne({ email: 'a@b.c' }), 11000);
      expect(err.errmsg).toBe(
        `E11000 duplicate key error collection: ${dbName}.users index: email_1 dup key: { email: "a@b.c" }`,
      );
      expect(err.keyPattern).toEqual({ email: 1 });
      expect(err.keyValue).toEqual({ email: 'a@b.c' });
      const raw = await db.command({ insert: 'users', documents: [{ email: 'a@b.c' }] });
      expect(raw.ok).toBe(1);
      expect(raw.n).toBe(0);
      expect(raw.writeErrors).toEqual([
        {
          index: 0,
          code: 11000,
          errmsg: `E11000 duplicate key error collection: ${dbName}.users index: email_1 dup key: { email: "a@b.c" }`,
          keyPattern: { email: 1 },
          keyValue: { email: 'a@b.c' },
        },
      ]);
      const id = new ObjectId();
      await users.insertOne({ _id: id, email: 'z' });
      const dupId = await expectCode(users.insertOne({ _id: id, email: 'y' }), 11000);
      expect(dupId.errmsg).toBe(
        `E11000 duplicate key error collection: ${dbName}.users index: _id_ dup key: { _id: ObjectId('${id.toHexString()}') }`,
      );
    });

    it('stops an ordered insert at the first error and continues an unordered one', async () => {
      await db.collection('o').createIndex({ k: 1 }, { unique: true });
      const ordered = await command<WriteReply>({ insert: 'o', documents: [{ k: 1 }, { k: 1 }, { k: 2 }] });
      expect(ordered.n).toBe(1);
      expect(ordered.writeErrors!.map((e) => e.index)).toEqual([1]);
      const unordered = await command<WriteReply>({
        insert: 'o',
        documents: [{ k: 1 }, { k: 3 }, { k: 3 }, { k: 4 }],
        ordered: false,
      });
      expect(unordered.n).toBe(2);
      expect(unordered.writeErrors!.map((e) => e.index)).toEqual([0, 2]);
    });

    it('treats a missing field as null unless the index is sparse', async () => {
      await db.collection('nul').createIndex({ e: 1 }, { unique: true });
      await db.collection('nul').insertOne({ a: 1 });
      const err = await expectCode(db.collection('nul').insertOne({ a: 2 }), 11000);
      expect(err.keyValue).toEqual({ e: null });
      expect(err.errmsg).toMatch(/dup key: \{ e: null \}$/);
      await db.collection('sp').createIndex({ e: 1 }, { unique: true, sparse: true });
      await db.collection('sp').insertMany([{ a: 1 }, { a: 2 }]);
      expect(await db.collection('sp').countDocuments()).toBe(2);
    });

    it('enforces compound and partial unique indexes', async () => {
      const fr = db.collection('friendrequests');
      await fr.createIndex(
        { pairKey: 1 },
        { unique: true, partialFilterExpression: { status: { $in: ['pending', 'accepted'] } } },
      );
      await fr.insertOne({ pairKey: 'a:b', status: 'declined' });
      await fr.insertOne({ pairKey: 'a:b', status: 'declined' });
      await fr.insertOne({ pairKey: 'a:b', status: 'pending' });
      const err = await expectCode(fr.insertOne({ pairKey: 'a:b', status: 'accepted' }), 11000);
      expect(err.keyValue).toEqual({ pairKey: 'a:b' });
      await expectCode(fr.updateOne({ status: 'declined' }, { $set: { status: 'accepted' } }), 11000);
      const [s, r] = [new ObjectId(), new ObjectId()];
      await db.collection('pairs').createIndex({ sender: 1, recipient: 1 }, { unique: true });
      await db.collection('pairs').insertMany([
        { sender: s, recipient: r },
        { sender: r, recipient: s },
      ]);
      const dup = await expectCode(db.collection('pairs').insertOne({ sender: s, recipient: r }), 11000);
      expect(dup.keyPattern).toEqual({ sender: 1, recipient: 1 });
      expect(dup.keyValue).toEqual({ sender: s, recipient: r });
      expect(dup.errmsg).toContain(
        `index: sender_1_recipient_1 dup key: { sender: ObjectId('${s.toHexString()}'), recipient: ObjectId('${r.toHexString()}') }`,
      );
    });

    it('fails to build a unique index over duplicates, naming the build and the duplicate, and leaves no index', async () => {
      await db.collection('pre').insertMany([{ e: 'x' }, { e: 'x' }, { e: 'y' }]);
      const err = await expectCode(
        db.collection('pre').createIndexes([
          { key: { f: 1 }, name: 'f_1' },
          { key: { e: 1 }, name: 'e_1', unique: true },
        ]),
        11000,
        'DuplicateKey',
      );
      const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
      expect(err.errmsg).toMatch(
        new RegExp(
          `^Index build failed: ${uuid}: Collection ${dbName}\\.pre \\( ${uuid} \\) :: caused by :: ` +
            `E11000 duplicate key error collection: ${dbName}\\.pre index: e_1 dup key: \\{ e: "x" \\}$`,
        ),
      );
      expect(err.keyPattern).toEqual({ e: 1 });
      expect(err.keyValue).toEqual({ e: 'x' });
      // One build for the whole request: the good index in it is not left behind either.
      expect(names(await db.collection('pre').listIndexes().toArray())).toEqual(['_id_']);
    });

    it('fails to build a partial unique index over documents missing the key, reporting null', async () => {
      await db.collection('legacy').insertMany([
        { sender: 1, status: 'pending' },
        { sender: 2, status: 'accepted' },
        { sender: 3, status: 'rejected' },
      ]);
      const err = await expectCode(
        db
          .collection('legacy')
          .createIndex(
            { pairKey: 1 },
            { unique: true, partialFilterExpression: { status: { $in: ['pending', 'accepted'] } } },
          ),
        11000,
      );
      expect(err.keyValue).toEqual({ pairKey: null });
      expect(err.errmsg).toMatch(/index: pairKey_1 dup key: \{ pairKey: null \}$/);
    });
  });

  describe('bulk repairs and duplicate reports', () => {
    it('groups values that differ only in case with $toLower, $push and $sum', async () => {
      const users = db.collection('users');
      await users.insertMany([
        { email: 'Eve@Example.com', createdAt: new Date('2024-01-02') },
        { email: 'eve@example.com', createdAt: new Date('2024-01-01') },
        { email: 'Solo@Example.com', createdAt: new Date('2024-01-03') },
      ]);
      const groups = await users
        .aggregate(
          [
            { $sort: { createdAt: 1, _id: 1 } },
            { $group: { _id: { $toLower: '$email' }, emails: { $push: '$email' }, n: { $sum: 1 } } },
            { $match: { n: { $gt: 1 } } },
            { $sort: { _id: 1 } },
          ],
          { allowDiskUse: true },
        )
        .toArray();
      expect(groups).toEqual([
        { _id: 'eve@example.com', emails: ['eve@example.com', 'Eve@Example.com'], n: 2 },
      ]);
    });

    it('lists the duplicate keys under a partial filter, oldest first, missing keys grouped as {}', async () => {
      const fr = db.collection('fr');
      const ids = Array.from({ length: 5 }, () => new ObjectId());
      await fr.insertMany([
        { _id: ids[0], pairKey: 'a:b', status: 'pending', createdAt: new Date(3000) },
        { _id: ids[1], pairKey: 'a:b', status: 'pending', createdAt: new Date(1000) },
        { _id: ids[2], pairKey: 'a:b', status: 'rejected', createdAt: new Date(500) },
        { _id: ids[3], status: 'pending', createdAt: new Date(2000) },
        { _id: ids[4], status: 'accepted', createdAt: new Date(4000) },
      ]);
      const duplicates = await fr
        .aggregate([
          { $match: { status: { $in: ['pending', 'accepted'] } } },
          { $sort: { createdAt: 1, _id: 1 } },
          {
            $group: {
              _id: { pairKey: '$pairKey' },
              n: { $sum: 1 },
              oldest: { $first: '$_id' },
              ids: { $push: '$_id' },
            },
          },
          { $match: { n: { $gt: 1 } } },
          { $sort: { n: -1, oldest: 1 } },
          { $limit: 10 },
        ])
        .toArray();
      expect(duplicates).toEqual([
        { _id: { pairKey: 'a:b' }, n: 2, oldest: ids[1], ids: [ids[1], ids[0]] },
        { _id: {}, n: 2, oldest: ids[3], ids: [ids[3], ids[4]] },
      ]);
    });

    it('runs an unordered bulkWrite past a duplicate and reports what each kind of write did', async () => {
      const coll = db.collection('bulk');
      await coll.createIndex({ k: 1 }, { unique: true });
      const [a, b] = [new ObjectId(), new ObjectId()];
      await coll.insertMany([
        { k: 1, friends: [a] },
        { k: 2, friends: [] },
      ]);
      const err = await rejection(
        coll.bulkWrite(
          [
            { updateOne: { filter: { k: 1 }, update: { $addToSet: { friends: a } } } },
            { updateOne: { filter: { k: 2 }, update: { $addToSet: { friends: b } } } },
            { updateOne: { filter: { k: 2 }, update: { $set: { k: 1 } } } },
            { updateOne: { filter: { k: 3 }, update: { $set: { friends: [] } }, upsert: true } },
            { deleteMany: { filter: { k: 99 } } },
          ],
          { ordered: false },
        ),
      );
      expect(err.code).toBe(11000);
      const bulk = err as MongoServerError & {
        writeErrors: { index: number; code: number }[];
        result: { matchedCount: number; modifiedCount: number; upsertedCount: number; deletedCount: number };
      };
      expect(bulk.writeErrors.map((e) => [e.index, e.code])).toEqual([[2, 11000]]);
      expect(bulk.result).toMatchObject({
        matchedCount: 2,
        modifiedCount: 1,
        upsertedCount: 1,
        deletedCount: 0,
      });
      const stored = await coll.find({}, { projection: { _id: 0 }, sort: { k: 1 } }).toArray();
      expect(stored).toEqual([
        { k: 1, friends: [a] },
        { k: 2, friends: [b] },
        { k: 3, friends: [] },
      ]);
    });

    it("lets Mongoose diff a model's indexes against the server and report a failed build", async () => {
      const conn = await mongoose.createConnection(uri, { dbName, autoIndex: false }).asPromise();
      try {
        const schema = new Schema({ email: String, pairKey: String, status: String });
        schema.index({ email: 1 }, { unique: true });
        schema.index({ pairKey: 1 }, { unique: true, partialFilterExpression: { status: 'pending' } });
        const Account = conn.model('Account', schema, 'accounts');
        expect((await Account.diffIndexes()).toCreate).toEqual([{ email: 1 }, { pairKey: 1 }]);
        await db.collection('accounts').insertMany([{ email: 'a@x' }, { email: 'a@x' }]);
        await db
          .collection('accounts')
          .createIndex({ pairKey: 1 }, { unique: true, partialFilterExpression: { status: 'pending' } });
        await db.collection('accounts').createIndex({ legacy: 1 });
        expect(await Account.diffIndexes()).toEqual({ toDrop: ['legacy_1'], toCreate: [{ email: 1 }] });
        const err = await rejection(Account.createIndexes());
        expect(err.code).toBe(11000);
        expect(err.keyValue).toEqual({ email: 'a@x' });
      } finally {
        await conn.close();
      }
    });
  });

  describe('concurrency', () => {
    it('lets exactly one of 20 parallel duplicate inserts succeed', async () => {
      await db.collection('race').createIndex({ email: 1 }, { unique: true });
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => db.collection('race').insertOne({ email: 'same@x.y' })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const codes = results.flatMap((r) =>
        r.status === 'rejected' ? [(r.reason as MongoServerError).code] : [],
      );
      expect(codes).toEqual(Array(19).fill(11000));
    });

    it('serializes 20 parallel conditional findOneAndUpdates on one document', async () => {
      const { insertedId } = await db.collection('lease').insertOne({ holder: null });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          db
            .collection('lease')
            .findOneAndUpdate(
              { _id: insertedId, holder: null },
              { $set: { holder: i } },
              { returnDocument: 'after' },
            ),
        ),
      );
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect((await db.collection('lease').findOne({ _id: insertedId }))?.holder).toBe(winners[0]?.holder);
    });

    it('inserts once for 20 parallel upserts on a unique key', async () => {
      await db.collection('ups').createIndex({ key: 1 }, { unique: true });
      await Promise.all(
        Array.from({ length: 20 }, () =>
          db.collection('ups').updateOne({ key: 'k' }, { $inc: { hits: 1 } }, { upsert: true }),
        ),
      );
      expect(
        await db
          .collection('ups')
          .find({}, { projection: { _id: 0 } })
          .toArray(),
      ).toEqual([{ key: 'k', hits: 20 }]);
    });
  });

  describe('mongoose', () => {
    let conn: mongoose.Connection;

    beforeAll(async () => {
      conn = await mongoose.createConnection(uri, { dbName }).asPromise();
    });

    afterAll(async () => {
      await conn.close();
    });

    it('maps a duplicate email to 11000, counts, updates and populates', async () => {
      const User = conn.model(
        'User',
        new Schema(
          { email: { type: String, unique: true }, friends: [{ type: Schema.Types.ObjectId, ref: 'User' }] },
          { timestamps: true },
        ),
      );
      await User.init();
      const ann = await User.create({ email: 'ann@x.y' });
      const bob = await User.create({ email: 'bob@x.y' });
      const err = await rejection(User.create({ email: 'ann@x.y' }));
      expect(err.code).toBe(11000);
      expect(err.keyValue).toEqual({ email: 'ann@x.y' });
      expect(await User.countDocuments({ email: /@x\.y$/ })).toBe(2);
      const updated = await User.findOneAndUpdate(
        { _id: ann._id },
        { $addToSet: { friends: bob._id } },
        { returnDocument: 'after' },
      ).lean();
      expect(updated!.friends.map(String)).toEqual([String(bob._id)]);
      const populated = await User.findById(ann._id)
        .populate<{ friends: { email: string }[] }>('friends')
        .lean();
      expect(populated!.friends.map((f) => f.email)).toEqual(['bob@x.y']);
      const indexes = await User.listIndexes();
      expect(indexes.map((i: { name: string }) => i.name)).toEqual(['_id_', 'email_1']);
    });
  });
  describe('number types, projections and awaitable hello (4.4+)', () => {
    it('keeps int32 and double as their own BSON types through inserts, updates and queries', async () => {
      const coll = db.collection('numbers');
      await coll.insertOne({ tag: 'n', i: new Int32(2), d: new Double(2), f: 2.5, m: new Double(7) });
      await coll.updateOne(
        { tag: 'n' },
        { $inc: { i: 1, d: 1 }, $set: { s: new Double(4) }, $max: { m: 3 }, $min: { n: new Double(1) } },
      );
      const raw = await coll.findOne({ tag: 'n' }, { promoteValues: false });
      expect(raw!.i).toEqual(new Int32(3));
      expect(raw!.d).toEqual(new Double(3));
      expect(raw!.f).toEqual(new Double(2.5));
      expect(raw!.s).toEqual(new Double(4));
      expect(raw!.m).toEqual(new Double(7)); // $max kept the larger current value and its type
      expect(raw!.n).toEqual(new Double(1));
      expect(await coll.countDocuments({ d: 3, i: { $gt: 2 }, s: { $in: [4] } })).toBe(1);
    });

    it('refuses a projection that mixes inclusion and exclusion (31254, 31253)', async () => {
      await db.collection('p').insertOne({ a: 1, b: 2 });
      const inclusion = await expectCode(
        db.collection('p').findOne({}, { projection: { a: 1, b: 0 } }),
        31254,
        'Location31254',
      );
      expect(inclusion.errmsg).toBe('Cannot do exclusion on field b in inclusion projection');
      await expectCode(db.collection('p').findOne({}, { projection: { b: 0, a: 1 } }), 31253);
      await expectCode(
        db
          .collection('p')
          .aggregate([{ $project: { a: 1, b: 0 } }])
          .toArray(),
        31254,
      );
      expect(await db.collection('p').findOne({}, { projection: { _id: 0, a: 1 } })).toEqual({ a: 1 });
    });

    it('carries a topologyVersion in hello and checks the awaitable fields', async () => {
      const hello = await db.admin().command({ hello: 1 }, { promoteLongs: false });
      const topologyVersion = hello.topologyVersion as { processId: ObjectId; counter: Long };
      expect(topologyVersion.processId).toBeInstanceOf(ObjectId);
      expect(topologyVersion.counter).toBeInstanceOf(Long);
      const other = { processId: new ObjectId(), counter: topologyVersion.counter };
      // Another process's topology is stale: answered at once, whatever maxAwaitTimeMS says.
      expect(
        await db.admin().command({ hello: 1, topologyVersion: other, maxAwaitTimeMS: 600_000 }),
      ).toMatchObject({ isWritablePrimary: true, ok: 1 });
      expect(await db.admin().command({ hello: 1, topologyVersion, maxAwaitTimeMS: 0 })).toMatchObject({
        ok: 1,
      });
      await expectCode(db.admin().command({ hello: 1, topologyVersion }), 31368);
      await expectCode(db.admin().command({ hello: 1, maxAwaitTimeMS: 0 }), 31368);
      await expectCode(db.admin().command({ hello: 1, topologyVersion, maxAwaitTimeMS: -1 }), 31373);
    });
  });
});
