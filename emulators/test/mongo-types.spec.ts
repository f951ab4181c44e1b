/**
 * BSON types as mongod keeps them, through the real driver: `$type` by every alias the manual lists, and integral
 * doubles that stay doubles in aggregation output and in the document an upsert seeds from its filter.
 */
import { Decimal128, Double, Int32, Long, MongoClient, ObjectId, type Document } from 'mongodb';
import { startMongoEmulator, type MongoEmulator } from '../src/mongo';

describe('mongo emulator BSON types', () => {
  let emulator: MongoEmulator;
  let client: MongoClient;
  const values = () => client.db('t').collection<Document>('values');
  /** Raw values, as stored: no promotion of Int32/Double to JS numbers. */
  const raw = { promoteValues: false } as const;

  beforeAll(async () => {
    emulator = await startMongoEmulator({ port: 0 });
    client = await MongoClient.connect(emulator.uri);
    await values().insertMany([
      { k: 'objectId', v: new ObjectId() },
      { k: 'string', v: 's' },
      { k: 'int', v: 1 },
      { k: 'double', v: new Double(2) },
      { k: 'fraction', v: 2.5 },
      { k: 'long', v: Long.fromNumber(2 ** 40) },
      { k: 'decimal', v: new Decimal128('1.5') },
      { k: 'bool', v: true },
      { k: 'date', v: new Date(0) },
      { k: 'null', v: null },
      { k: 'array', v: ['x'] },
      { k: 'object', v: { a: 1 } },
      { k: 'regex', v: /x/ },
    ]);
  });
  afterAll(async () => {
    await client.close();
    await emulator.close();
  });

  const kinds = async (type: unknown): Promise<string[]> => {
    const docs = await values()
      .find({ v: { $type: type } } as Document)
      .toArray();
    return docs.map((d) => d.k as string).sort();
  };

  it.each([
    ['objectId', 7, ['objectId']],
    ['string', 2, ['array', 'string']], // an array matches by its elements too
    ['int', 16, ['int']],
    ['double', 1, ['double', 'fraction']],
    ['long', 18, ['long']],
    ['decimal', 19, ['decimal']],
    ['bool', 8, ['bool']],
    ['date', 9, ['date']],
    ['null', 10, ['null']],
    ['array', 4, ['array']],
    ['object', 3, ['object']],
    ['regex', 11, ['regex']],
    ['binData', 5, []],
    ['minKey', -1, []],
    ['maxKey', 127, []],
  ])('$type %s and its code %d match the same documents', async (alias, code, expected) => {
    expect(await kinds(alias)).toEqual(expected);
    expect(await kinds(code)).toEqual(expected);
  });

  it("$type 'number' matches every numeric type, a list any of its types, and counting agrees", async () => {
    expect(await kinds('number')).toEqual(['decimal', 'double', 'fraction', 'int', 'long']);
    expect(await kinds(['objectId', 'bool'])).toEqual(['bool', 'objectId']);
    expect(await values().countDocuments({ v: { $type: 'objectId' } })).toBe(1);
  });

  it('refuses an unknown alias or code with BadValue', async () => {
    await expect(kinds('objectid')).rejects.toMatchObject({ code: 2 });
    await expect(kinds(42)).rejects.toMatchObject({ code: 2 });
  });

  it('keeps an integral double a double in aggregation output (documents that keep their _id)', async () => {
    const [doc] = await values()
      .aggregate([{ $match: { k: 'double' } }, { $sort: { k: 1 } }, { $project: { v: 1 } }], raw)
      .toArray();
    expect(doc.v).toBeInstanceOf(Double);
    const [int] = await values()
      .aggregate([{ $match: { k: 'int' } }, { $project: { v: 1 } }], raw)
      .toArray();
    expect(int.v).toBeInstanceOf(Int32);
  });

  it('keeps an integral double of the filter a double in the document an upsert inserts', async () => {
    const seeds = client.db('t').collection<Document>('seeds');
    await seeds.updateOne({ n: new Double(3) }, { $set: { tag: 'update' } }, { upsert: true });
    await seeds.findOneAndUpdate({ m: new Double(4) }, { $set: { tag: 'findAndModify' } }, { upsert: true });
    const docs = await seeds.find({}, raw).sort({ tag: -1 }).toArray();
    expect(docs[0].n).toBeInstanceOf(Double);
    expect(docs[1].m).toBeInstanceOf(Double);
  });
});
