import { ConflictException } from '@nestjs/common';
import { Types } from 'mongoose';
import { NewPasskey, PasskeysService } from '../src/passkeys/passkeys.service';
import { authCookie, createTestApp, deleteMyAccount, signUp, TestApp } from './harness';
import {
  passkeyAssertion,
  registerPasskey,
  removePasskey,
  signInWithPasskey,
  SoftAuthenticator,
} from './soft-authenticator';

describe('Passkeys (WebAuthn, a software authenticator)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  const passkeysOf = (userId: string) =>
    t.db
      .collection('passkeys')
      .find({ user: new Types.ObjectId(userId) })
      .toArray();
  const list = (cookie: string) => t.http().get('/api/auth/passkeys').set('Cookie', cookie).expect(200);
  const sessionCount = () => t.db.collection('sessions').countDocuments();

  describe('registering', () => {
    it('stores a named passkey with its key and counter; the reply and the list never show the key', async () => {
      const user = await signUp(t);
      const res = await registerPasskey(t, user, new SoftAuthenticator(), '  MacBook  ');
      expect(res.body).toEqual({
        success: true,
        passkey: {
          id: expect.any(String),
          name: 'MacBook',
          synced: expect.any(Boolean),
          createdAt: expect.any(String),
          lastUsedAt: null,
        },
      });
      const [stored] = await passkeysOf(user.id);
      expect(stored).toMatchObject({ name: 'MacBook', counter: 0, credentialId: expect.any(String) });
      expect(stored.publicKey).toEqual(expect.any(String));
      expect((await list(user.cookie)).body).toEqual({ passkeys: [res.body.passkey] });
      expect(JSON.stringify(t.bodies)).not.toContain(stored.publicKey);
    });

    it('asks for a discoverable credential with user verification, bound to APP_URL and excluding mine', async () => {
      const user = await signUp(t);
      await registerPasskey(t, user, new SoftAuthenticator());
      const { body } = await t
        .http()
        .post('/api/auth/passkeys/registration/options')
        .set('Cookie', user.cookie)
        .expect(200);
      const [stored] = await passkeysOf(user.id);
      expect(body).toMatchObject({
        rp: { id: 'localhost', name: 'Lingo' },
        user: { name: user.email, displayName: expect.any(String) },
        attestation: 'none',
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        excludeCredentials: [expect.objectContaining({ id: stored.credentialId })],
      });
    });

    it('keeps several passkeys, oldest first; renames one; removes one (404 once gone)', async () => {
      const user = await signUp(t);
      const laptopDevice = new SoftAuthenticator();
      const laptop = (await registerPasskey(t, user, laptopDevice, 'Laptop')).body.passkey;
      const phone = (await registerPasskey(t, user, new SoftAuthenticator(), 'Phone')).body.passkey;
      expect((await list(user.cookie)).body.passkeys.map((p: { name: string }) => p.name)).toEqual([
        'Laptop',
        'Phone',
      ]);
      const renamed = await t
        .http()
        .patch(`/api/auth/passkeys/${phone.id}`)
        .set('Cookie', user.cookie)
        .send({ name: 'Pixel' })
        .expect(200);
      expect(renamed.body.passkey).toMatchObject({ id: phone.id, name: 'Pixel' });
      await removePasskey(t, user, laptop.id, laptopDevice);
      await t
        .http()
        .delete(`/api/auth/passkeys/${laptop.id}`)
        .set('Cookie', user.cookie)
        .send({ code: '123456' })
        .expect(404);
      expect((await list(user.cookie)).body.passkeys.map((p: { name: string }) => p.name)).toEqual(['Pixel']);
    });

    it('refuses a registration response replayed (its challenge is spent) with 400, storing nothing more', async () => {
      const user = await signUp(t);
      const options = await t
        .http()
        .post('/api/auth/passkeys/registration/options')
        .set('Cookie', user.cookie)
        .expect(200);
      const credential = new SoftAuthenticator().create(options.body);
      await t
        .http()
        .post('/api/auth/passkeys')
        .set('Cookie', user.cookie)
        .send({ name: 'A', credential })
        .expect(201);
      const again = await t
        .http()
        .post('/api/auth/passkeys')
        .set('Cookie', user.cookie)
        .send({ name: 'B', credential })
        .expect(400);
      expect(again.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: expect.stringMatching(/expired or was already used/),
      });
      expect(await passkeysOf(user.id)).toHaveLength(1);
    });

    it("refuses a response to another user's challenge, to another origin or RP, or without user verification", async () => {
      const [ana, bob] = [await signUp(t), await signUp(t)];
      const optionsFor = async (cookie: string) =>
        (await t.http().post('/api/auth/passkeys/registration/options').set('Cookie', cookie).expect(200))
          .body as { rp: { id: string } };
      const post = (cookie: string, credential: unknown) =>
        t.http().post('/api/auth/passkeys').set('Cookie', cookie).send({ name: 'X', credential });
      // Ana's challenge answered, then posted by Bob.
      await post(bob.cookie, new SoftAuthenticator().create(await optionsFor(ana.cookie))).expect(400);
      // Made on another origin (same host, another port: the RP id alone would let it pass).
      const elsewhere = new SoftAuthenticator().create(await optionsFor(ana.cookie), 'http://localhost:6666');
      expect((await post(ana.cookie, elsewhere).expect(400)).body.message).toMatch(/another site/);
      // Made for another site altogether (its origin and its RP id).
      const otherSite = { ...(await optionsFor(ana.cookie)), rp: { id: 'evil.example', name: 'Evil' } };
      await post(ana.cookie, new SoftAuthenticator().create(otherSite, 'https://evil.example')).expect(400);
      const unverified = new SoftAuthenticator({ userVerified: false }).create(await optionsFor(ana.cookie));
      expect((await post(ana.cookie, unverified).expect(400)).body.message).toMatch(
        /did not verify the user/,
      );
      expect(await t.db.collection('passkeys').countDocuments()).toBe(0);
    });

    it('refuses a challenge past its lifetime (400), and gives a credential one owner (409)', async () => {
      const [ana, bob] = [await signUp(t), await signUp(t)];
      const late = await t
        .http()
        .post('/api/auth/passkeys/registration/options')
        .set('Cookie', ana.cookie)
        .expect(200);
      await t.db
        .collection('webauthn_challenges')
        .updateMany({}, { $set: { expiresAt: new Date(Date.now() - 1000) } });
      const credential = new SoftAuthenticator().create(late.body);
      await t
        .http()
        .post('/api/auth/passkeys')
        .set('Cookie', ana.cookie)
        .send({ name: 'Late', credential })
        .expect(400);
      // The unique index decides when the same credential is stored twice (two registrations racing).
      await registerPasskey(t, ana, new SoftAuthenticator());
      const [stored] = await passkeysOf(ana.id);
      const again = { ...stored, name: 'Copy', synced: false, transports: [] } as unknown as NewPasskey;
      await expect(t.app.get(PasskeysService).add(bob.id, again)).rejects.toThrow(ConflictException);
      expect(await passkeysOf(bob.id)).toHaveLength(0);
    });
  });

  describe('signing in without a password', () => {
    it('answers as a login does ({ success, user } and the jwt cookie), records the use and the counter', async () => {
      const user = await signUp(t);
      const device = new SoftAuthenticator();
      await registerPasskey(t, user, device);
      const before = await sessionCount();
      const res = await signInWithPasskey(t, device);
      expect(res.body).toEqual({
        success: true,
        user: expect.objectContaining({ _id: user.id, email: user.email }),
      });
      const me = await t.http().get('/api/auth/me').set('Cookie', authCookie(res)).expect(200);
      expect(me.body.user._id).toBe(user.id);
      expect(await sessionCount()).toBe(before + 1);
      const [stored] = await passkeysOf(user.id);
      expect(stored.counter).toBe(1);
      expect(stored.lastUsedAt).toEqual(expect.any(Date));
      expect((await list(user.cookie)).body.passkeys[0].lastUsedAt).toEqual(stored.lastUsedAt.toISOString());
      // A chat token, as after any sign-in.
      await t.http().get('/api/chats/token').set('Cookie', authCookie(res)).expect(200);
    });

    it('refuses an assertion replayed: its challenge works once (401, no session)', async () => {
      const user = await signUp(t);
      const device = new SoftAuthenticator();
      await registerPasskey(t, user, device);
      const credential = await passkeyAssertion(t, device);
      await t.http().post('/api/auth/passkeys/authentication').send({ credential }).expect(200);
      const before = await sessionCount();
      const replay = await t
        .http()
        .post('/api/auth/passkeys/authentication')
        .send({ credential })
        .expect(401);
      expect(replay.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: expect.stringMatching(/expired or was already used/),
      });
      expect(replay.headers['set-cookie']).toBeUndefined();
      expect(await sessionCount()).toBe(before);
    });

    it('refuses an assertion made on another origin, or answering a registration challenge', async () => {
      const user = await signUp(t);
      const device = new SoftAuthenticator();
      await registerPasskey(t, user, device);
      const elsewhere = await passkeyAssertion(t, device, 'http://localhost:6666');
      const res = await t
        .http()
        .post('/api/auth/passkeys/authentication')
        .send({ credential: elsewhere })
        .expect(401);
      expect(res.body.message).toMatch(/another site/);
      const registration = await t
        .http()
        .post('/api/auth/passkeys/registration/options')
        .set('Cookie', user.cookie)
        .expect(200);
      const wrongPurpose = device.get({
        challenge: registration.body.challenge,
        rpId: 'localhost',
        userVerification: 'required',
      });
      await t.http().post('/api/auth/passkeys/authentication').send({ credential: wrongPurpose }).expect(401);
      expect((await passkeysOf(user.id))[0].counter).toBe(0);
    });

    it('refuses a signature counter that went backwards (a cloned authenticator), then keeps the real one working', async () => {
      const user = await signUp(t);
      const device = new SoftAuthenticator();
      await registerPasskey(t, user, device);
      await signInWithPasskey(t, device);
      const clone = new SoftAuthenticator({ credentials: device.snapshot() }); // its counter stays at 1
      await signInWithPasskey(t, device);
      await signInWithPasskey(t, device);
      const res = await signInWithPasskey(t, clone, 401);
      expect(res.body.message).toMatch(/counter went backwards/);
      expect((await passkeysOf(user.id))[0].counter).toBe(3);
      await signInWithPasskey(t, device);
    });

    it('refuses a passkey registered nowhere, or removed, with 401', async () => {
      const stranger = new SoftAuthenticator();
      const other = await signUp(t);
      await registerPasskey(t, other, stranger);
      await t.db.collection('passkeys').deleteMany({});
      const res = await signInWithPasskey(t, stranger, 401);
      expect(res.body.message).toBe('This passkey is not registered here');
    });

    it("refuses an assertion naming another account than its passkey's, and another user's passkey in my list", async () => {
      const [ana, bob] = [await signUp(t), await signUp(t)];
      const device = new SoftAuthenticator();
      const anas = (await registerPasskey(t, ana, device)).body.passkey;
      const signed = await passkeyAssertion(t, device);
      const userHandle = Buffer.from(bob.id, 'hex').toString('base64url');
      const credential = { ...signed, response: { ...signed.response, userHandle } };
      expect(
        (await t.http().post('/api/auth/passkeys/authentication').send({ credential }).expect(401)).body
          .message,
      ).toMatch(/does not belong/);
      await t
        .http()
        .delete(`/api/auth/passkeys/${anas.id}`)
        .set('Cookie', bob.cookie)
        .send({ code: '123456' })
        .expect(404);
      await t
        .http()
        .patch(`/api/auth/passkeys/${anas.id}`)
        .set('Cookie', bob.cookie)
        .send({ name: 'Mine now' })
        .expect(404);
      expect((await list(bob.cookie)).body.passkeys).toEqual([]);
      expect((await list(ana.cookie)).body.passkeys).toEqual([anas]);
    });

    it('refuses an authenticator that does not verify the user', async () => {
      const user = await signUp(t);
      const device = new SoftAuthenticator();
      await registerPasskey(t, user, device);
      const lax = new SoftAuthenticator({ credentials: device.snapshot(), userVerified: false });
      expect((await signInWithPasskey(t, lax, 401)).body.message).toMatch(/did not verify the user/);
    });

    it('gives a suspended account no session (403)', async () => {
      const user = await signUp(t);
      const device = new SoftAuthenticator();
      await registerPasskey(t, user, device);
      await t.db
        .collection('users')
        .updateOne(
          { _id: new Types.ObjectId(user.id) },
          { $set: { ban: { reason: 'spam', bannedAt: new Date() } } },
        );
      const res = await signInWithPasskey(t, device, 403);
      expect(res.body.message).toBe('Account suspended permanently');
    });
  });

  describe('everything else', () => {
    it('answers 401 without a session and 400 for bodies not shaped like a credential', async () => {
      await t.http().get('/api/auth/passkeys').expect(401);
      await t.http().post('/api/auth/passkeys/registration/options').expect(401);
      const user = await signUp(t);
      for (const body of [
        {},
        { name: 'x' },
        { name: 'x', credential: { id: 'a' } },
        { name: '', credential: {} },
      ]) {
        const res = await t
          .http()
          .post('/api/auth/passkeys')
          .set('Cookie', user.cookie)
          .send(body)
          .expect(400);
        expect(res.body).toMatchObject({
          statusCode: 400,
          error: 'Bad Request',
          message: expect.any(String),
        });
      }
      await t
        .http()
        .post('/api/auth/passkeys/authentication')
        .send({ credential: { id: '***' } })
        .expect(400);
    });

    it('lists my passkeys in my data export (never a key); deleting my account deletes them', async () => {
      const user = await signUp(t);
      await registerPasskey(t, user, new SoftAuthenticator(), 'Laptop');
      const exported = await t.http().get('/api/users/me/export').set('Cookie', user.cookie).expect(200);
      expect(exported.body.passkeys).toEqual([
        { name: 'Laptop', createdAt: expect.any(String), lastUsedAt: null },
      ]);
      const [stored] = await passkeysOf(user.id);
      expect(exported.text).not.toContain(stored.publicKey);
      expect(exported.text).not.toContain(stored.credentialId);
      await deleteMyAccount(t, user).expect(204);
      expect(await passkeysOf(user.id)).toHaveLength(0);
    });

    it('logs no challenge, key or assertion', async () => {
      const user = await signUp(t);
      const device = new SoftAuthenticator();
      const options = await t
        .http()
        .post('/api/auth/passkeys/registration/options')
        .set('Cookie', user.cookie)
        .expect(200);
      const created = device.create(options.body);
      await t
        .http()
        .post('/api/auth/passkeys')
        .set('Cookie', user.cookie)
        .send({ name: 'A', credential: created })
        .expect(201);
      await t
        .http()
        .post('/api/auth/passkeys')
        .set('Cookie', user.cookie)
        .send({ name: 'A', credential: created })
        .expect(400);
      const assertion = await passkeyAssertion(t, device);
      await t.http().post('/api/auth/passkeys/authentication').send({ credential: assertion }).expect(200);
      await t.http().post('/api/auth/passkeys/authentication').send({ credential: assertion }).expect(401);
      const [stored] = await passkeysOf(user.id);
      const secrets = [
        options.body.challenge,
        JSON.parse(Buffer.from(assertion.response.clientDataJSON, 'base64url').toString()).challenge,
        stored.publicKey,
        assertion.response.signature,
        assertion.response.clientDataJSON,
        created.response.attestationObject,
      ];
      const logs = t.logs.lines.join('\n');
      for (const secret of secrets) expect(logs).not.toContain(secret);
      expect(logs).toMatch(/passkey sign-in refused \(challenge\)/);
    });
  });
});
