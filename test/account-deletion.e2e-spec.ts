import { Types } from 'mongoose';
import {
  createTestApp,
  deleteMyAccount,
  eventually,
  SignedUpUser,
  signUpOnboarded,
  TestApp,
} from './harness';

describe('DELETE /api/users/me', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    t.stream.faults.reset();
    await t.reset();
  });
  afterAll(async () => {
    await t.close();
  });

  const oid = (id: string) => new Types.ObjectId(id);
  const users = () => t.db.collection('users');
  const requests = () => t.db.collection('friendrequests');

  /**
   * me and friend are friends (an accepted request), and me has a pending request out to other. Written directly,
   * as the schema declares them (ObjectId references), like the data an existing deployment already holds.
   */
  async function seedFriends(me: SignedUpUser, friend: SignedUpUser, other: SignedUpUser): Promise<void> {
    await users().updateOne({ _id: oid(me.id) }, { $addToSet: { friends: oid(friend.id) } });
    await users().updateOne({ _id: oid(friend.id) }, { $addToSet: { friends: oid(me.id) } });
    const now = new Date();
    const request = (sender: string, recipient: string, status: string) => ({
      sender: oid(sender),
      recipient: oid(recipient),
      status,
      pairKey: [sender, recipient].sort().join(':'),
      createdAt: now,
      updatedAt: now,
    });
    await requests().insertMany([request(friend.id, me.id, 'accepted'), request(me.id, other.id, 'pending')]);
  }

  const requestsInvolving = (id: string) =>
    requests().countDocuments({ $or: [{ sender: oid(id) }, { recipient: oid(id) }] });

  const deleteMe = (user: SignedUpUser, body: object) => deleteMyAccount(t, user, body);

  it('deletes my account everywhere with 204, clears the cookie and ends the session', async () => {
    const me = await signUpOnboarded(t);
    const friend = await signUpOnboarded(t);
    const other = await signUpOnboarded(t);
    await seedFriends(me, friend, other);
    expect(t.stream.state.users.has(me.id)).toBe(true);

    const res = await deleteMe(me, { password: me.password }).expect(204);

    expect(res.text).toBe('');
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('jwt='));
    expect(cookie).toMatch(/^jwt=;/);
    expect(cookie).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    // Stream: hard-deleted. MongoDB: the user, every request involving them and their place in friend lists.
    expect(t.stream.state.users.has(me.id)).toBe(false);
    expect(t.stream.state.deletedUserIds.has(me.id)).toBe(true);
    expect(await users().countDocuments({ _id: oid(me.id) })).toBe(0);
    expect(await requestsInvolving(me.id)).toBe(0);
    expect((await users().findOne({ _id: oid(friend.id) }))?.friends).toEqual([]);
    expect(t.stream.state.users.has(friend.id)).toBe(true);
    // The old cookie no longer works, and the account cannot sign in again.
    await t.http().get('/api/auth/me').set('Cookie', me.cookie).expect(401);
    await t.http().post('/api/auth/login').send({ email: me.email, password: me.password }).expect(401);
  });

  it("removes my sessions, password-reset token and export slots, and no one else's", async () => {
    const me = await signUpOnboarded(t);
    const other = await signUpOnboarded(t);
    for (const user of [me, other]) {
      await t.http().get('/api/users/me/export').set('Cookie', user.cookie).expect(200);
      await t.http().post('/api/auth/password/forgot').send({ email: user.email }).expect(202);
    }
    const mine = { user: oid(me.id) };
    const held = async (filter: object) => ({
      sessions: await t.db.collection('sessions').countDocuments(filter),
      resets: await t.db.collection('password_resets').countDocuments(filter),
      slots: await t.db.collection('dataexportslots').countDocuments(filter),
    });
    // The reset token is stored after the 202 (the mail goes out in the background).
    await eventually(async () => (await held(mine)).resets === 1);
    await eventually(async () => (await held({ user: oid(other.id) })).resets === 1);
    expect(await held(mine)).toEqual({ sessions: 1, resets: 1, slots: 1 });

    await deleteMyAccount(t, me).expect(204);
    expect(await held(mine)).toEqual({ sessions: 0, resets: 0, slots: 0 });
    expect(await held({ user: oid(other.id) })).toEqual({ sessions: 1, resets: 1, slots: 1 });
  });

  it('answers 401 for a wrong password and deletes nothing', async () => {
    const me = await signUpOnboarded(t);

    const res = await deleteMe(me, { password: 'not my password' }).expect(401);

    expect(res.body.message).toBe('Invalid password');
    expect(await users().countDocuments({ _id: oid(me.id) })).toBe(1);
    expect(t.stream.state.users.has(me.id)).toBe(true);
    await t.http().get('/api/auth/me').set('Cookie', me.cookie).expect(200);
  });

  it('answers 400 when the password is missing or the body has other fields', async () => {
    const me = await signUpOnboarded(t);

    const missing = await deleteMe(me, {}).expect(400);
    expect(missing.body.missingFields).toEqual(['password']);
    await deleteMe(me, { password: me.password, userId: me.id }).expect(400);

    expect(await users().countDocuments({ _id: oid(me.id) })).toBe(1);
  });

  it('answers 401 without a session', async () => {
    await t.http().delete('/api/users/me').send({ password: 'whatever' }).expect(401);
  });

  it('answers 503 and keeps the whole account when Stream is down; a retry then succeeds', async () => {
    const me = await signUpOnboarded(t);
    const friend = await signUpOnboarded(t);
    const other = await signUpOnboarded(t);
    await seedFriends(me, friend, other);
    t.stream.faults.refuseConnections(true);

    const res = await deleteMe(me, { password: me.password }).expect(503);

    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await users().countDocuments({ _id: oid(me.id) })).toBe(1);
    expect((await users().findOne({ _id: oid(friend.id) }))?.friends).toEqual([oid(me.id)]);
    expect(await requestsInvolving(me.id)).toBe(2);
    await t.http().get('/api/auth/me').set('Cookie', me.cookie).expect(200);

    t.stream.faults.refuseConnections(false);
    await deleteMe(me, { password: me.password }).expect(204);
    expect(await users().countDocuments({ _id: oid(me.id) })).toBe(0);
    expect(t.stream.state.users.has(me.id)).toBe(false);
  });
});
