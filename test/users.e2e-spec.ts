import { Types } from 'mongoose';
import request from 'supertest';
import { createTestApp, signUp, signUpOnboarded, SignedUpUser, TestApp } from './harness';

const BCRYPT = /\$2[aby]\$\d{2}\$/;
const PUBLIC_KEYS = [
  '_id',
  'bio',
  'fullName',
  'learningLanguage',
  'location',
  'nativeLanguage',
  'profilePic',
].sort();
const FRIEND_KEYS = ['_id', 'fullName', 'learningLanguage', 'nativeLanguage', 'profilePic'].sort();
const REQUEST_KEYS = ['_id', 'createdAt', 'recipient', 'sender', 'status', 'updatedAt'].sort();
/** Fields of a user that nobody else may ever see. */
const PRIVATE_KEYS = [
  'email',
  'password',
  'friends',
  'isOnboarded',
  'profileVersion',
  'syncPending',
  'syncAttempts',
  'syncNextAt',
  'syncLeaseUntil',
  'syncError',
  'chatTokensValidFrom',
  'pairKey',
  '__v',
];

const oid = (id: string) => new Types.ObjectId(id);
const unknownId = () => new Types.ObjectId().toString();

/** Every key at any depth of a JSON value. */
const keysDeep = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(keysDeep);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [k, ...keysDeep(v)]);
  return [];
};

describe('Social graph (/api/users)', () => {
  let t: TestApp;
  let seq = 0;
  /** Every body the /api/users endpoints returned, for the leak check at the end. */
  const socialBodies: unknown[] = [];

  const as = (user: SignedUpUser) => {
    const keep = (test: request.Test): request.Test =>
      test.on('response', (res: request.Response) => socialBodies.push(res.body));
    return {
      get: (path: string) => keep(t.http().get(`/api/users${path}`).set('Cookie', user.cookie)),
      post: (path: string) => keep(t.http().post(`/api/users${path}`).set('Cookie', user.cookie)),
      put: (path: string) => keep(t.http().put(`/api/users${path}`).set('Cookie', user.cookie)),
      del: (path: string) => keep(t.http().delete(`/api/users${path}`).set('Cookie', user.cookie)),
    };
  };

  const users = () => t.db.collection<{ friends: Types.ObjectId[] }>('users');
  const requests = () => t.db.collection('friendrequests');

  /** Inserts onboarded users straight into the collection (no bcrypt), each newer than the previous one. */
  const seedUsers = async (
    specs: { native: string; learning: string; onboarded?: boolean; createdAt?: Date }[],
  ): Promise<string[]> => {
    const docs = specs.map((s) => {
      seq += 1;
      const createdAt = s.createdAt ?? new Date(Date.UTC(2024, 0, 1) + seq * 60_000);
      return {
        _id: new Types.ObjectId(),
        email: `seed${seq}@example.com`,
        password: '$2b$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01',
        fullName: `Seed ${seq}`,
        bio: `bio ${seq}`,
        profilePic: `https://avatar.example/${seq}.png`,
        nativeLanguage: s.native,
        learningLanguage: s.learning,
        location: 'Somewhere',
        isOnboarded: s.onboarded ?? true,
        friends: [],
        profileVersion: 1,
        syncPending: false,
        createdAt,
        updatedAt: createdAt,
      };
    });
    await users().insertMany(docs);
    return docs.map((d) => d._id.toString());
  };

  const friendsOf = async (id: string): Promise<string[]> => {
    const doc = await users().findOne({ _id: oid(id) });
    return (doc?.friends ?? []).map(String);
  };

  /** Follows the Link rel="next" headers from `first` to the end; returns every page's ids. */
  const allPages = async (me: SignedUpUser, first: string): Promise<string[][]> => {
    const pages: string[][] = [];
    let path: string | undefined = first;
    while (path) {
      const res = await as(me).get(path.replace(/^\/api\/users/, ''));
      expect(res.status).toBe(200);
      pages.push((res.body as { _id: string }[]).map((u) => u._id));
      path = nextLink(res);
      expect(pages.length).toBeLessThan(100);
    }
    return pages;
  };

  const nextLink = (res: request.Response): string | undefined => {
    const link = res.headers.link as string | undefined;
    if (!link) return undefined;
    const match = /^<([^>]+)>; rel="next"$/.exec(link);
    expect(match).not.toBeNull();
    return match?.[1];
  };

  beforeAll(async () => {
    t = await createTestApp();
  });
  beforeEach(() => t.reset());
  afterAll(async () => {
    // No /api/users response ever carried another user's private fields, a hash or an email address.
    for (const body of socialBodies) {
      const keys = keysDeep(body);
      for (const k of PRIVATE_KEYS) expect(keys).not.toContain(k);
      expect(JSON.stringify(body)).not.toMatch(BCRYPT);
      expect(JSON.stringify(body)).not.toMatch(/@example\.com/);
    }
    expect(socialBodies.length).toBeGreaterThan(50);
    await t.close();
  });

  it('refuses every endpoint without a session (401)', async () => {
    const id = unknownId();
    const calls = [
      t.http().get('/api/users'),
      t.http().get('/api/users/friends'),
      t.http().get('/api/users/friend-requests'),
      t.http().get('/api/users/outgoing-friend-requests'),
      t.http().post(`/api/users/friend-request/${id}`),
      t.http().put(`/api/users/friend-request/${id}/accept`),
      t.http().put(`/api/users/friend-request/${id}/reject`),
      t.http().delete(`/api/users/friend-request/${id}`),
      t.http().delete(`/api/users/friends/${id}`),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }
  });

  it('answers 400 (never a 500) for a malformed id on every :id route', async () => {
    const me = await signUpOnboarded(t);
    for (const bad of ['abc', 'zzzzzzzzzzzzzzzzzzzzzzzz', '123456789012', `${unknownId()}0`]) {
      const results = await Promise.all([
        as(me).post(`/friend-request/${bad}`),
        as(me).put(`/friend-request/${bad}/accept`),
        as(me).put(`/friend-request/${bad}/reject`),
        as(me).del(`/friend-request/${bad}`),
        as(me).del(`/friends/${bad}`),
      ]);
      for (const res of results) {
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          statusCode: 400,
          message: expect.stringMatching(/Invalid id/),
          error: 'Bad Request',
        });
      }
    }
  });

  describe('GET / (recommended users)', () => {
    it('lists onboarded users other than me and my friends, with public fields only', async () => {
      const me = await signUpOnboarded(t, { nativeLanguage: 'english', learningLanguage: 'spanish' });
      const notOnboarded = await signUp(t);
      const [friend, stranger] = await seedUsers([
        { native: 'spanish', learning: 'english' },
        { native: 'french', learning: 'german' },
      ]);
      await users().updateOne({ _id: oid(me.id) }, { $set: { friends: [oid(friend)] } });

      const res = await as(me).get('').expect(200);

      expect(res.body.map((u: { _id: string }) => u._id)).toEqual([stranger]);
      expect(Object.keys(res.body[0]).sort()).toEqual(PUBLIC_KEYS);
      expect(res.body[0]).toMatchObject({ nativeLanguage: 'french', learningLanguage: 'german' });
      expect(res.body.map((u: { _id: string }) => u._id)).not.toContain(notOnboarded.id);
      expect(res.headers.link).toBeUndefined();
      expect(res.headers['access-control-expose-headers']).toMatch(/Link/);
    });

    it('ranks perfect partners first, then half matches, then the rest, newest first within a tier', async () => {
      const me = await signUpOnboarded(t, { nativeLanguage: 'english', learningLanguage: 'spanish' });
      const [rest1, half1, perfect1, half2, rest2, perfect2, half3] = await seedUsers([
        { native: 'french', learning: 'german' },
        { native: 'spanish', learning: 'french' }, // speaks what I learn
        { native: 'spanish', learning: 'english' },
        { native: 'german', learning: 'english' }, // learns what I speak
        { native: 'english', learning: 'spanish' }, // same as me: nothing to exchange
        { native: 'spanish', learning: 'english' },
        { native: 'spanish', learning: 'italian' },
      ]);

      const res = await as(me).get('').expect(200);

      expect(res.body.map((u: { _id: string }) => u._id)).toEqual([
        perfect2,
        perfect1,
        half3,
        half2,
        half1,
        rest2,
        rest1,
      ]);
    });

    it('pages with limit and an opaque cursor in a Link header, never repeating or skipping anyone', async () => {
      const me = await signUpOnboarded(t, { nativeLanguage: 'english', learningLanguage: 'spanish' });
      const langs = [
        { native: 'spanish', learning: 'english' },
        { native: 'spanish', learning: 'german' },
        { native: 'german', learning: 'english' },
        { native: 'french', learning: 'german' },
      ];
      await seedUsers(Array.from({ length: 23 }, (_, i) => langs[i % langs.length]));
      // Five users sharing one createdAt: the _id breaks the tie.
      const tie = new Date(Date.UTC(2024, 0, 1) + 5 * 60_000 + 1);
      await seedUsers(
        Array.from({ length: 5 }, () => ({ native: 'french', learning: 'german', createdAt: tie })),
      );

      const full = (await as(me).get('?limit=100').expect(200)).body.map((u: { _id: string }) => u._id);
      expect(full).toHaveLength(28);

      const pages = await allPages(me, '/api/users?limit=3');
      expect(pages.slice(0, -1).every((p) => p.length === 3)).toBe(true);
      expect(pages.flat()).toEqual(full);
      expect(pages).toHaveLength(10);
    });

    it('keeps the Link URL relative to the request and preserves limit', async () => {
      const me = await signUpOnboarded(t);
      await seedUsers(Array.from({ length: 3 }, () => ({ native: 'x', learning: 'y' })));
      const res = await as(me).get('?limit=2').expect(200);
      expect(res.body).toHaveLength(2);
      expect(res.headers.link).toMatch(/^<\/api\/users\?limit=2&cursor=[A-Za-z0-9_-]+>; rel="next"$/);
    });

    it('stays consistent when users sign up between page fetches', async () => {
      const me = await signUpOnboarded(t, { nativeLanguage: 'english', learningLanguage: 'spanish' });
      const langs = [
        { native: 'spanish', learning: 'english' },
        { native: 'spanish', learning: 'german' },
        { native: 'french', learning: 'german' },
      ];
      const original = await seedUsers(Array.from({ length: 12 }, (_, i) => langs[i % langs.length]));
      const expectedOrder = (await as(me).get('?limit=100').expect(200)).body.map(
        (u: { _id: string }) => u._id,
      );

      const seen: string[] = [];
      let res = await as(me).get('?limit=4').expect(200);
      seen.push(...res.body.map((u: { _id: string }) => u._id));
      let added: string[] = [];
      while (nextLink(res)) {
        // Newcomers in every tier, newer than everyone (they sort before each tier's cursor).
        added = added.concat(await seedUsers(langs));
        res = await as(me).get(nextLink(res)!.replace('/api/users', '')).expect(200);
        seen.push(...res.body.map((u: { _id: string }) => u._id));
      }

      expect(new Set(seen).size).toBe(seen.length); // nobody twice
      const originalsSeen = seen.filter((id) => original.includes(id));
      expect(originalsSeen).toEqual(expectedOrder); // nobody skipped, order kept
      for (const id of seen) expect([...original, ...added]).toContain(id);
    });

    it('defaults to 20 per page', async () => {
      const me = await signUpOnboarded(t);
      await seedUsers(Array.from({ length: 21 }, () => ({ native: 'x', learning: 'y' })));
      const res = await as(me).get('').expect(200);
      expect(res.body).toHaveLength(20);
      expect(res.headers.link).toBeDefined();
      const rest = await as(me).get(nextLink(res)!.replace('/api/users', '')).expect(200);
      expect(rest.body).toHaveLength(1);
      expect(rest.headers.link).toBeUndefined();
    });

    it.each(['0', '-1', '101', '2.5', 'abc'])('refuses limit=%s with 400', async (limit) => {
      const me = await signUpOnboarded(t);
      const res = await as(me).get(`?limit=${limit}`).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });

    it('accepts limit=100', async () => {
      const me = await signUpOnboarded(t);
      await as(me).get('?limit=100').expect(200);
    });

    it.each([
      ['garbage', 'not-a-cursor!'],
      ['valid base64 of the wrong shape', Buffer.from('{"a":1}').toString('base64url')],
      ['an unknown tier', Buffer.from(JSON.stringify([7, 0, '0'.repeat(24)])).toString('base64url')],
    ])('refuses %s as cursor with 400', async (_, cursor) => {
      const me = await signUpOnboarded(t);
      const res = await as(me)
        .get(`?cursor=${encodeURIComponent(cursor)}`)
        .expect(400);
      expect(res.body).toEqual({ statusCode: 400, message: 'Invalid cursor', error: 'Bad Request' });
    });

    it('refuses unknown query parameters', async () => {
      const me = await signUpOnboarded(t);
      await as(me).get('?page=2').expect(400);
    });
  });

  describe('POST /friend-request/:id', () => {
    it('creates a pending request (201) in the seed shape', async () => {
      const [a, b] = [await signUpOnboarded(t), await signUpOnboarded(t)];
      const res = await as(a).post(`/friend-request/${b.id}`).expect(201);
      expect(Object.keys(res.body).sort()).toEqual(REQUEST_KEYS);
      expect(res.body).toMatchObject({ sender: a.id, recipient: b.id, status: 'pending' });
      const stored = await requests().findOne({ _id: oid(res.body._id) });
      expect(stored).toMatchObject({ sender: oid(a.id), recipient: oid(b.id), status: 'pending' });
    });

    it('refuses myself (400) and an unknown user (404)', async () => {
      const a = await signUpOnboarded(t);
      const self = await as(a).post(`/friend-request/${a.id}`).expect(400);
      expect(self.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      const missing = await as(a).post(`/friend-request/${unknownId()}`).expect(404);
      expect(missing.body).toEqual({ statusCode: 404, message: 'Recipient not found', error: 'Not Found' });
      expect(await requests().countDocuments()).toBe(0);
    });

    it('refuses a second request in either direction (409)', async () => {
      const [a, b] = [await signUpOnboarded(t), await signUpOnboarded(t)];
      await as(a).post(`/friend-request/${b.id}`).expect(201);
      const again = await as(a).post(`/friend-request/${b.id}`).expect(409);
      expect(again.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      await as(b).post(`/friend-request/${a.id}`).expect(409);
      expect(await requests().countDocuments()).toBe(1);
    });

    it('refuses a request to a friend (409)', async () => {
      const [a, b] = [await signUpOnboarded(t), await signUpOnboarded(t)];
      const sent = await as(a).post(`/friend-request/${b.id}`).expect(201);
      await as(b).put(`/friend-request/${sent.body._id}/accept`).expect(200);
      const res = await as(b).post(`/friend-request/${a.id}`).expect(409);
      expect(res.body.message).toMatch(/already friends/);
    });

    it('creates exactly one request from 20 concurrent identical calls', async () => {
      const [a, b] = [await signUpOnboarded(t), await signUpOnboarded(t)];
      const results = await Promise.all(
        Array.from({ length: 20 }, () => as(a).post(`/friend-request/${b.id}`)),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      expect(await requests().countDocuments()).toBe(1);
    });

    it('creates exactly one request when both users ask each other at once', async () => {
      const [a, b] = [await signUpOnboarded(t), await signUpOnboarded(t)];
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          i % 2 ? as(a).post(`/friend-request/${b.id}`) : as(b).post(`/friend-request/${a.id}`),
        ),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.filter((r) => r.status === 409)).toHaveLength(9);
      expect(await requests().countDocuments()).toBe(1);
    });
  });

  describe('PUT /friend-request/:id/accept', () => {
    const pendingPair = async () => {
      const [a, b] = [await signUpOnboarded(t), await signUpOnboarded(t)];
      const sent = await as(a).post(`/friend-request/${b.id}`).expect(201);
      return { a, b, requestId: sent.body._id as string };
    };

    it('makes both users friends, once each, and marks the request accepted', async () => {
      const { a, b, requestId } = await pendingPair();
      const res = await as(b).put(`/friend-request/${requestId}/accept`).expect(200);
      expect(res.body).toEqual({ message: 'Friend request accepted' });
      expect(await friendsOf(a.id)).toEqual([b.id]);
      expect(await friendsOf(b.id)).toEqual([a.id]);
      expect(await requests().findOne({ _id: oid(requestId) })).toMatchObject({ status: 'accepted' });
    });

    it('lets only the recipient accept (403), and 404s an unknown request', async () => {
      const { a, requestId } = await pendingPair();
      const c = await signUpOnboarded(t);
      const bySender = await as(a).put(`/friend-request/${requestId}/accept`).expect(403);
      expect(bySender.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      await as(c).put(`/friend-request/${requestId}/accept`).expect(403);
      const missing = await as(a).put(`/friend-request/${unknownId()}/accept`).expect(404);
      expect(missing.body).toMatchObject({ statusCode: 404, message: 'Friend request not found' });
      expect(await friendsOf(a.id)).toEqual([]);
      expect(await requests().findOne({ _id: oid(requestId) })).toMatchObject({ status: 'pending' });
    });

    it('answers 409 to a repeated accept and leaves exactly one friendship', async () => {
      const { a, b, requestId } = await pendingPair();
      await as(b).put(`/friend-request/${requestId}/accept`).expect(200);
      const again = await as(b).put(`/friend-request/${requestId}/accept`).expect(409);
      expect(again.body).toMatchObject({ statusCode: 409, message: 'Friend request is not pending' });
      expect(await friendsOf(a.id)).toEqual([b.id]);
      expect(await friendsOf(b.id)).toEqual([a.id]);
    });

    it('gives one 200 and 19 409s for 20 parallel accepts, with one friendship', async () => {
      const { a, b, requestId } = await pendingPair();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => as(b).put(`/friend-request/${requestId}/accept`)),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 409)).toHaveLength(19);
      expect(await friendsOf(a.id)).toEqual([b.id]);
      expect(await friendsOf(b.id)).toEqual([a.id]);
      expect(await requests().findOne({ _id: oid(requestId) })).toMatchObject({ status: 'accepted' });
    });

    it('finishes an accept that failed half-way when retried', async () => {
      const { a, b, requestId } = await pendingPair();
      // The crash left one side written and the request still pending.
      await users().updateOne({ _id: oid(a.id) }, { $addToSet: { friends: oid(b.id) } });
      await as(b).put(`/friend-request/${requestId}/accept`).expect(200);
      expect(await friendsOf(a.id)).toEqual([b.id]);
      expect(await friendsOf(b.id)).toEqual([a.id]);
    });

    it('repairs a one-sided friendship behind an accepted request before answering 409', async () => {
      const { a, b, requestId } = await pendingPair();
      await as(b).put(`/friend-request/${requestId}/accept`).expect(200);
      await users().updateOne({ _id: oid(a.id) }, { $pull: { friends: oid(b.id) } });
      await as(b).put(`/friend-request/${requestId}/accept`).expect(409);
      expect(await friendsOf(a.id)).toEqual([b.id]);
      expect(await friendsOf(b.id)).toEqual([a.id]);
    });

    it('refuses to accept a rejected request (409)', async () => {
      const { a, b, requestId } = await pendingPair();
      await as(b).put(`/friend-request/${requestId}/reject`).expect(200);
      await as(b).put(`/friend-request/${requestId}/accept`).expect(409);
      expect(await friendsOf(a.id)).toEqual([]);
      expect(await friendsOf(b.id)).toEqual([]);
    });

    it('removes new friends from recommendations', async () => {
      const { a, b, requestId } = await pendingPair();
      const before = (await as(a).get('').expect(200)).body.map((u: { _id: string }) => u._id);
      expect(before).toContain(b.id);
      await as(b).put(`/friend-request/${requestId}/accept`).expect(200);
      const after = (await as(a).get('').expect(200)).body.map((u: { _id: string }) => u._id);
      expect(after).not.toContain(b.id);
    });
  });

  describe('PUT /friend-request/:id/reject and DELETE /friend-request/:id', () => {
    it('lets the recipient reject; the sender may ask again later', async () => {
      const [a, b] = [await signUpOnboarded(t), await signUpOnboarded(t)];
      const sent = await as(a).post(`/friend-request/${b.id}`).expect(201);
      await as(a).put(`/friend-request/${sent.body._id}/reject`).expect(403);
      const res = await as(b).put(`/friend-request/${sent.body._id}/reject`).expect(200);
      expect(res.body).toEqual({ message: 'Friend request rejected' });
      expect(await requests().findOne({ _id: oid(sent.body._id) })).toMatchObject({ status: 'rejected' });
      await as(b).put(`/friend-request/${sent.body._id}/reject`).expect(409);
      await as(b).put(`/friend-request/${unknownId()}/reject`).expect(404);

      // A rejected request no longer holds the pair: a new one is allowed (and the old one stays as history).
      const again = await as(a).post(`/friend-request/${b.id}`).expect(201);
      expect(again.body._id).not.toBe(sent.body._id);
      expect(await requests().countDocuments()).toBe(2);
      await as(a).post(`/friend-request/${b.id}`).expect(409);
    });

    it('lets the sender withdraw a pending request', async () => {
      const [a, b] = [await signUpOnboarded(t), await signUpOnboarded(t)];
      const sent = await as(a).post(`/friend-request/${b.id}`).expect(201);
      const byRecipient = await as(b).del(`/friend-request/${sent.body._id}`).expect(403);
      expect(byRecipient.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      const res = await as(a).del(`/friend-request/${sent.body._id}`).expect(200);
      expect(res.body).toEqual({ message: 'Friend request withdrawn' });
      expect(await requests().countDocuments()).toBe(0);
      await as(a).del(`/friend-request/${sent.body._id}`).expect(404);
      await as(b).put(`/friend-request/${sent.body._id}/accept`).expect(404);
      await as(a).post(`/friend-request/${b.id}`).expect(201);
    });

    it('refuses to withdraw an accepted request (409)', async () => {
      const [a, b] = [await signUpOnboarded(t), await signUpOnboarded(t)];
      const sent = await as(a).post(`/friend-request/${b.id}`).expect(201);
      await as(b).put(`/friend-request/${sent.body._id}/accept`).expect(200);
      await as(a).del(`/friend-request/${sent.body._id}`).expect(409);
      expect(await friendsOf(a.id)).toEqual([b.id]);
    });
  });

  describe('GET /friends and DELETE /friends/:id', () => {
    const friendsPair = async () => {
      const a = await signUpOnboarded(t, { fullName: 'Ana', nativeLanguage: 'portuguese' });
      const b = await signUpOnboarded(t, { fullName: 'Ben', nativeLanguage: 'english' });
      const sent = await as(a).post(`/friend-request/${b.id}`).expect(201);
      await as(b).put(`/friend-request/${sent.body._id}/accept`).expect(200);
      return { a, b };
    };

    it('lists my friends in the seed shape', async () => {
      const { a, b } = await friendsPair();
      const res = await as(a).get('/friends').expect(200);
      expect(res.body).toHaveLength(1);
      expect(Object.keys(res.body[0]).sort()).toEqual(FRIEND_KEYS);
      expect(res.body[0]).toMatchObject({ _id: b.id, fullName: 'Ben', nativeLanguage: 'english' });
      const other = await as(b).get('/friends').expect(200);
      expect(other.body.map((f: { _id: string }) => f._id)).toEqual([a.id]);
      const lonely = await signUpOnboarded(t);
      expect((await as(lonely).get('/friends').expect(200)).body).toEqual([]);
    });

    it('unfriends on both sides and lets them send a new request', async () => {
      const { a, b } = await friendsPair();
      const res = await as(b).del(`/friends/${a.id}`).expect(200);
      expect(res.body).toEqual({ message: 'Friend removed' });
      expect(await friendsOf(a.id)).toEqual([]);
      expect(await friendsOf(b.id)).toEqual([]);
      expect(await requests().countDocuments({ status: 'accepted' })).toBe(0);
      expect((await as(a).get('/friends').expect(200)).body).toEqual([]);
      expect((await as(a).get('').expect(200)).body.map((u: { _id: string }) => u._id)).toContain(b.id);
      await as(b).del(`/friends/${a.id}`).expect(404);
      await as(a).post(`/friend-request/${b.id}`).expect(201);
    });

    it('finishes an unfriend that failed half-way when retried', async () => {
      const { a, b } = await friendsPair();
      // The crash removed the request and me from their list, but not them from mine.
      await requests().deleteMany({});
      await users().updateOne({ _id: oid(b.id) }, { $pull: { friends: oid(a.id) } });
      await as(a).del(`/friends/${b.id}`).expect(200);
      expect(await friendsOf(a.id)).toEqual([]);
      expect(await friendsOf(b.id)).toEqual([]);
    });

    it('refuses to unfriend myself (400) or a stranger (404)', async () => {
      const { a } = await friendsPair();
      await as(a).del(`/friends/${a.id}`).expect(400);
      const res = await as(a).del(`/friends/${unknownId()}`).expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    });
  });

  describe('GET /friend-requests and GET /outgoing-friend-requests', () => {
    it('shows incoming pending requests with the sender profile and my accepted ones with the recipient', async () => {
      const me = await signUpOnboarded(t, { fullName: 'Me' });
      const fan = await signUpOnboarded(t, { fullName: 'Fan', nativeLanguage: 'german' });
      const accepter = await signUpOnboarded(t, { fullName: 'Accepter' });
      const decliner = await signUpOnboarded(t, { fullName: 'Decliner' });
      const incoming = await as(fan).post(`/friend-request/${me.id}`).expect(201);
      const toAccepter = await as(me).post(`/friend-request/${accepter.id}`).expect(201);
      await as(accepter).put(`/friend-request/${toAccepter.body._id}/accept`).expect(200);
      const toDecliner = await as(me).post(`/friend-request/${decliner.id}`).expect(201);
      await as(decliner).put(`/friend-request/${toDecliner.body._id}/reject`).expect(200);

      const res = await as(me).get('/friend-requests').expect(200);

      expect(Object.keys(res.body).sort()).toEqual(['acceptedReqs', 'incomingReqs']);
      expect(res.body.incomingReqs).toHaveLength(1);
      expect(res.body.incomingReqs[0]).toMatchObject({
        _id: incoming.body._id,
        recipient: me.id,
        status: 'pending',
        sender: { _id: fan.id, fullName: 'Fan', nativeLanguage: 'german' },
      });
      expect(Object.keys(res.body.incomingReqs[0].sender).sort()).toEqual(PUBLIC_KEYS);
      expect(res.body.acceptedReqs).toHaveLength(1);
      expect(res.body.acceptedReqs[0]).toMatchObject({
        _id: toAccepter.body._id,
        sender: me.id,
        status: 'accepted',
        recipient: { _id: accepter.id, fullName: 'Accepter' },
      });
      expect(Object.keys(res.body.acceptedReqs[0].recipient).sort()).toEqual([
        '_id',
        'fullName',
        'profilePic',
      ]);

      const fanView = await as(fan).get('/friend-requests').expect(200);
      expect(fanView.body).toEqual({ incomingReqs: [], acceptedReqs: [] });
    });

    it('pages friends and both request lists with limit, cursor and Link; by default one page has them all', async () => {
      const me = await signUpOnboarded(t);
      const friendIds = await seedUsers(
        Array.from({ length: 7 }, () => ({ native: 'english', learning: 'german' })),
      );
      await users().updateOne({ _id: oid(me.id) }, { $set: { friends: friendIds.map(oid) } });
      await users().updateMany({ _id: { $in: friendIds.map(oid) } }, { $set: { friends: [oid(me.id)] } });
      const pages = await allPages(me, '/api/users/friends?limit=3');
      expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
      expect(pages.flat().sort()).toEqual([...friendIds].sort());
      const all = await as(me).get('/friends').expect(200);
      expect(all.body).toHaveLength(7);
      expect(all.headers.link).toBeUndefined();

      const [u1, u2, u3, u4, u5] = [
        await signUpOnboarded(t),
        await signUpOnboarded(t),
        await signUpOnboarded(t),
        await signUpOnboarded(t),
        await signUpOnboarded(t),
      ];
      for (const u of [u1, u2, u3]) await as(u).post(`/friend-request/${me.id}`).expect(201);
      const toU4 = await as(me).post(`/friend-request/${u4.id}`).expect(201);
      await as(u4).put(`/friend-request/${toU4.body._id}/accept`).expect(200);
      await as(me).post(`/friend-request/${u5.id}`).expect(201);

      const first = await as(me).get('/friend-requests?limit=2').expect(200);
      const senders = (body: { incomingReqs: { sender: { _id: string } }[] }) =>
        body.incomingReqs.map((r) => r.sender._id);
      expect(senders(first.body)).toEqual([u3.id, u2.id]);
      expect(first.body.acceptedReqs).toHaveLength(1);
      const second = await as(me)
        .get(nextLink(first)!.replace(/^\/api\/users/, ''))
        .expect(200);
      expect(senders(second.body)).toEqual([u1.id]);
      expect(second.body.acceptedReqs).toEqual([]);
      expect(nextLink(second)).toBeUndefined();

      const outgoing = await allPages(me, '/api/users/outgoing-friend-requests?limit=1');
      expect(outgoing).toHaveLength(1);
      for (const path of ['/friends', '/friend-requests', '/outgoing-friend-requests'])
        expect((await as(me).get(`${path}?cursor=bm9wZQ`).expect(400)).body.message).toBe('Invalid cursor');
    });

    it('shows my pending sent requests with the recipient profile, newest first', async () => {
      const me = await signUpOnboarded(t);
      const [x, y, z] = [
        await signUpOnboarded(t, { fullName: 'X' }),
        await signUpOnboarded(t, { fullName: 'Y' }),
        await signUpOnboarded(t, { fullName: 'Z' }),
      ];
      await as(me).post(`/friend-request/${x.id}`).expect(201);
      await as(me).post(`/friend-request/${y.id}`).expect(201);
      const toZ = await as(me).post(`/friend-request/${z.id}`).expect(201);
      await as(me).del(`/friend-request/${toZ.body._id}`).expect(200);

      const res = await as(me).get('/outgoing-friend-requests').expect(200);

      expect(res.body.map((r: { recipient: { _id: string } }) => r.recipient._id)).toEqual([y.id, x.id]);
      expect(res.body[0]).toMatchObject({ sender: me.id, status: 'pending', recipient: { fullName: 'Y' } });
      expect(Object.keys(res.body[0].recipient).sort()).toEqual(PUBLIC_KEYS);
      expect((await as(x).get('/outgoing-friend-requests').expect(200)).body).toEqual([]);
    });
  });
});

describe('Social graph with USERS_PAGE_LIMIT_MAX=5', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ USERS_PAGE_LIMIT_MAX: '5' });
  });
  afterAll(async () => {
    delete process.env.USERS_PAGE_LIMIT_MAX;
    await t.close();
  });

  it('caps limit at the configured maximum and defaults to it when smaller than 20', async () => {
    const me = await signUpOnboarded(t);
    for (let i = 0; i < 6; i += 1) await signUpOnboarded(t);
    await t.http().get('/api/users?limit=6').set('Cookie', me.cookie).expect(400);
    const page = await t.http().get('/api/users?limit=5').set('Cookie', me.cookie).expect(200);
    expect(page.body).toHaveLength(5);
    const byDefault = await t.http().get('/api/users').set('Cookie', me.cookie).expect(200);
    expect(byDefault.body).toHaveLength(5);
    expect(byDefault.headers.link).toBeDefined();
  });
});
