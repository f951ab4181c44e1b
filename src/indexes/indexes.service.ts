import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, mongo } from 'mongoose';
import { isDuplicateKey } from '../common/mongo-errors';

type IndexKey = Record<string, number>;

/** An index a registered schema declares. */
export interface IndexSpec {
  collection: string;
  /** The name MongoDB gives it (`email_1`), or the schema's own. */
  name: string;
  key: IndexKey;
  options: mongo.CreateIndexesOptions;
}

/** One value held by several documents, which keeps a unique index from building. */
export interface DuplicateKey {
  value: Record<string, unknown>;
  count: number;
  /** Up to DUPLICATE_IDS_SHOWN of the documents holding it, oldest first. */
  ids: string[];
}

export type IndexBuildResult =
  | { index: IndexSpec; status: 'created' }
  | { index: IndexSpec; status: 'failed'; error: string; duplicates: DuplicateKey[] };

const DUPLICATES_SHOWN = 10;
const DUPLICATE_IDS_SHOWN = 5;

/** mongod's default name: each field and direction joined by '_' (`isOnboarded_1_createdAt_-1`). */
const defaultName = (key: IndexKey): string =>
  Object.entries(key)
    .map(([field, dir]) => `${field}_${dir}`)
    .join('_');

/** How an operator reads an index: `users.pairKey_1 { pairKey: 1 } unique partial`. */
export const describeIndex = (index: IndexSpec): string => {
  const flags = [
    index.options.unique && 'unique',
    index.options.partialFilterExpression && 'partial',
    index.options.expireAfterSeconds !== undefined && `TTL ${index.options.expireAfterSeconds}s`,
  ].filter(Boolean);
  return `${index.collection}.${index.name} ${JSON.stringify(index.key)}${flags.length ? ` ${flags.join(' ')}` : ''}`;
};

/**
 * The indexes the app relies on are those its registered Mongoose schemas declare (a new schema's indexes, such
 * as a TTL on sessions, are covered without a list to maintain). Compares them with the database through
 * Mongoose's own diff, and builds the missing ones, explaining a failed unique build by its duplicate values.
 */
@Injectable()
export class IndexesService {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  /** Declared indexes the database does not have (with these exact options). */
  async findMissing(): Promise<IndexSpec[]> {
    const missing: IndexSpec[] = [];
    for (const model of Object.values(this.connection.models)) {
      const { toCreate } = await model.diffIndexes({ indexOptionsToCreate: true });
      for (const [key, options] of toCreate as unknown as [IndexKey, mongo.CreateIndexesOptions][]) {
        missing.push({
          collection: model.collection.collectionName,
          name: options.name ?? defaultName(key),
          key,
          options,
        });
      }
    }
    return missing;
  }

  /** Builds each index in turn; one failing does not stop the others. */
  async build(indexes: IndexSpec[]): Promise<IndexBuildResult[]> {
    const results: IndexBuildResult[] = [];
    for (const index of indexes) {
      try {
        await this.connection.collection(index.collection).createIndex(index.key, index.options);
        results.push({ index, status: 'created' });
      } catch (error) {
        const duplicates = isDuplicateKey(error) ? await this.findDuplicates(index) : [];
        results.push({ index, status: 'failed', error: (error as Error).message, duplicates });
      }
    }
    return results;
  }

  /**
   * Every value (up to DUPLICATES_SHOWN) that more than one document holds under this index's key and partial
   * filter: mongod reports only the first it met. A missing field counts as null, as in the index.
   */
  private async findDuplicates(index: IndexSpec): Promise<DuplicateKey[]> {
    const fields = Object.keys(index.key);
    const groups = await this.connection
      .collection(index.collection)
      .aggregate<{ _id: Record<string, unknown>; count: number; ids: mongo.ObjectId[] }>(
        [
          { $match: index.options.partialFilterExpression ?? {} },
          { $sort: { _id: 1 } },
          {
            $group: {
              _id: Object.fromEntries(fields.map((f) => [f, { $ifNull: [`$${f}`, null] }])),
              count: { $sum: 1 },
              ids: { $push: '$_id' },
            },
          },
          { $match: { count: { $gt: 1 } } },
          { $sort: { count: -1 } },
          { $limit: DUPLICATES_SHOWN },
        ],
        { allowDiskUse: true },
      )
      .toArray();
    return groups.map((g) => ({
      value: g._id,
      count: g.count,
      ids: g.ids.slice(0, DUPLICATE_IDS_SHOWN).map(String),
    }));
  }
}
