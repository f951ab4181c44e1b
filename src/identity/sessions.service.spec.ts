import { Types } from 'mongoose';
import { SessionsService } from './sessions.service';

interface Row {
  _id: Types.ObjectId;
  user: Types.ObjectId;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  device: string;
}

/** The edge faked: a `sessions` collection shared by several instances, counting the reads that reach it. */
function fakeCollection() {
  const rows = new Map<string, Row>();
  let reads = 0;
  const exec = <T>(value: T) => ({
    lean: () => ({ exec: () => Promise.resolve(value) }),
    exec: () => Promise.resolve(value),
  });
  const model = {
    create: (doc: Omit<Row, '_id'>) => {
      const row = { ...doc, _id: new Types.ObjectId() };
      rows.set(row._id.toString(), row);
      return Promise.resolve(row);
    },
    findById: (id: string) => {
      reads += 1;
      return exec(rows.get(id) ?? null);
    },
    deleteOne: ({ _id, user }: { _id: string; user: Types.ObjectId }) => {
      const mine = rows.get(_id)?.user.equals(user) ?? false;
      return exec({ deletedCount: mine && rows.delete(_id) ? 1 : 0 });
    },
    updateOne: () => exec({ modifiedCount: 1 }),
  };
  return { model, reads: () => reads };
}

describe('SessionsService', () => {
  const auth = { jwtExpiresInSeconds: 3600, sessionTouchIntervalMs: 900_000, sessionsListMax: 100 };
  const users = { existsCacheMs: 2000 };
  const userId = new Types.ObjectId().toString();

  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-12-01T10:00:00Z'), doNotFake: ['nextTick'] }));
  afterEach(() => jest.useRealTimers());

  it('answers from its cache on the hot path: one read per USER_EXISTS_CACHE_MS', async () => {
    const db = fakeCollection();
    const instance = new SessionsService(db.model as never, auth as never, users as never);
    const { id } = await instance.start(userId, 'curl/8', 'aal1');
    for (let i = 0; i < 50; i++) expect(await instance.isActive(id, userId)).toBe(true);
    expect(db.reads()).toBe(1);
    expect(await instance.isActive(id, new Types.ObjectId().toString())).toBe(false);
  });

  it('refuses an ended session at once here, and on another instance once its cache entry expires', async () => {
    const db = fakeCollection();
    const here = new SessionsService(db.model as never, auth as never, users as never);
    const there = new SessionsService(db.model as never, auth as never, users as never);
    const { id } = await here.start(userId, undefined, 'aal1');
    expect(await there.isActive(id, userId)).toBe(true);

    expect(await here.end(userId, id)).toBe(true);
    expect(await here.isActive(id, userId)).toBe(false);

    jest.advanceTimersByTime(users.existsCacheMs + 1);
    expect(await there.isActive(id, userId)).toBe(false);
  });

  it("does not end someone else's session", async () => {
    const db = fakeCollection();
    const service = new SessionsService(db.model as never, auth as never, users as never);
    const { id } = await service.start(userId, undefined, 'aal1');
    expect(await service.end(new Types.ObjectId().toString(), id)).toBe(false);
    expect(await service.isActive(id, userId)).toBe(true);
  });
});
