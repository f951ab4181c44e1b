import { Types } from 'mongoose';
import { authCookie, chatToken, createTestApp, signUp, SignedUpUser, TestApp } from './harness';
import {
  passkeyAssertion,
  registerPasskey,
  removePasskey,
  signInWithPasskey,
  SoftAuthenticator,
} from './soft-authenticator';
import { activateTotp, pendingCookie } from './totp';

describe('A passkey as a second factor (/api/auth/mfa/challenge, removing a passkey)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ MFA_CODE_LIMIT: '3', MFA_CODE_WINDOW_SECONDS: '600' });
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  const login = (user: SignedUpUser) =>
    t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
  /** A password login that stops at the second step: the factors offered and the pending cookie. */
  const pendingLogin = async (user: SignedUpUser) => {
    const res = await login(user);
    expect(JSON.stringify(res.headers['set-cookie'])).not.toContain('jwt=');
    return { factors: res.body.factors as string[], body: res.body, pending: pendingCookie(res)! };
  };
  /** A user with one passkey whose password sign-in waits for the second step. */
  const passkeyUserSigningIn = async () => {
    const user = await signUp(t);
    const device = new SoftAuthenticator();
    await registerPasskey(t, user, device);
    return { user, device, pending: (await pendingLogin(user)).pending };
  };
  const options = (pending?: string) => {
    const req = t.http().post('/api/auth/mfa/challenge/options');
    return pending ? req.set('Cookie', pending) : req;
  };
  const challenge = (pending: string, body: object) =>
    t.http().post('/api/auth/mfa/challenge').set('Cookie', pending).send(body);
  /** The device's assertion for the options of the pending sign-in. */
  const assertion = async (pending: string, device: SoftAuthenticator) =>
    device.get((await options(pending).expect(200)).body);
  const counterOf = async (userId: string) =>
    (await t.db.collection('passkeys').findOne({ user: new Types.ObjectId(userId) }))!.counter as number;

  it('asks a user with a passkey for a second factor, and lists it beside TOTP', async () => {
    const user = await signUp(t);
    await registerPasskey(t, user, new SoftAuthenticator());
    const { body, pending } = await pendingLogin(user);
    expect(body).toEqual({ mfaRequired: true, factors: ['webauthn'] });
    expect(pending).toBeDefined();
    await activateTotp(t, user.cookie);
    expect((await pendingLogin(user)).factors).toEqual(['totp', 'recovery_code', 'webauthn']);
  });

  it('makes a first passkey raise this session to aal2 and end the others (aal1); a second passkey ends none', async () => {
    const user = await signUp(t);
    const other = authCookie(await login(user));
    const device = new SoftAuthenticator();
    await registerPasskey(t, user, device);
    await t.http().get('/api/auth/me').set('Cookie', other).expect(401);
    const { body } = await t.http().get('/api/auth/sessions').set('Cookie', user.cookie).expect(200);
    expect(body.sessions).toEqual([expect.objectContaining({ current: true, aal: 'aal2' })]);
    const viaPasskey = authCookie(await signInWithPasskey(t, device));
    await registerPasskey(t, user, new SoftAuthenticator(), 'Phone');
    await t.http().get('/api/auth/me').set('Cookie', viaPasskey).expect(200);
  });

  it("offers the pending user's passkeys only, and finishes the sign-in with one: an aal2 session and a chat token", async () => {
    const [ana, bob] = [await signUp(t), await signUp(t)];
    const laptop = new SoftAuthenticator();
    await registerPasskey(t, ana, laptop, 'Laptop');
    await registerPasskey(t, ana, new SoftAuthenticator(), 'Phone');
    await registerPasskey(t, bob, new SoftAuthenticator());
    const { pending } = await pendingLogin(ana);
    const offered = await options(pending).expect(200);
    const anas = await t.db
      .collection('passkeys')
      .find({ user: new Types.ObjectId(ana.id) })
      .toArray();
    expect(offered.body).toMatchObject({ rpId: 'localhost', userVerification: 'required' });
    expect(offered.body.allowCredentials.map((c: { id: string }) => c.id).sort()).toEqual(
      anas.map((p) => p.credentialId as string).sort(),
    );
    const res = await challenge(pending, { webauthn: laptop.get(offered.body) }).expect(200);
    expect(res.body).toEqual({ success: true, user: expect.objectContaining({ _id: ana.id }) });
    const cookie = authCookie(res);
    const { body } = await t.http().get('/api/auth/sessions').set('Cookie', cookie).expect(200);
    expect(body.sessions.find((s: { current: boolean }) => s.current)).toMatchObject({ aal: 'aal2' });
    await chatToken(t, cookie);
    expect(await counterOf(ana.id)).toBe(1);
    // The pending sign-in is finished: its cookie starts nothing more.
    await options(pending).expect(401);
    await challenge(pending, { webauthn: await passkeyAssertion(t, laptop) }).expect(401);
  });

  it('needs a pending sign-in for its options (401)', async () => {
    const user = await signUp(t);
    await options().expect(401);
    await options(user.cookie).expect(401);
    expect(await t.db.collection('webauthn_challenges').countDocuments()).toBe(0);
  });

  it("refuses another user's passkey, even answering this user's challenge, and no session starts", async () => {
    const [ana, bob] = [await signUp(t), await signUp(t)];
    await registerPasskey(t, ana, new SoftAuthenticator());
    const bobs = new SoftAuthenticator();
    await registerPasskey(t, bob, bobs);
    const { pending } = await pendingLogin(ana);
    const offered = (await options(pending).expect(200)).body;
    const res = await challenge(pending, { webauthn: bobs.get({ ...offered, allowCredentials: [] }) }).expect(
      401,
    );
    expect(res.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'This passkey does not belong to this account',
    });
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await counterOf(bob.id)).toBe(0);
  });

  it('keeps sign-in challenges and second-factor challenges apart', async () => {
    const { device, pending } = await passkeyUserSigningIn();
    // A passwordless sign-in's challenge names nobody: it does not answer this user's second step...
    const signInAssertion = await passkeyAssertion(t, device);
    const res = await challenge(pending, { webauthn: signInAssertion }).expect(401);
    expect(res.body.message).toMatch(/expired or was already used/);
    // ...and a second step's challenge is the user's: it signs nobody in without a password.
    const secondStep = await assertion(pending, device);
    await t.http().post('/api/auth/passkeys/authentication').send({ credential: secondStep }).expect(401);
    await challenge(pending, { webauthn: secondStep }).expect(200);
  });

  it('counts refused assertions against the per-account code limit (429 once past it, even for a right one)', async () => {
    const { user, device, pending } = await passkeyUserSigningIn();
    const unverified = new SoftAuthenticator({ credentials: device.snapshot(), userVerified: false });
    for (let i = 0; i < 3; i++) {
      const refused = await challenge(pending, { webauthn: await assertion(pending, unverified) }).expect(
        401,
      );
      expect(refused.body.message).toMatch(/did not verify the user/);
    }
    const locked = await challenge(pending, { webauthn: await assertion(pending, device) }).expect(429);
    expect(locked.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(await counterOf(user.id)).toBe(0);
  });

  it('answers 400 for an assertion not shaped like one, or for two proofs at once, changing nothing', async () => {
    const { user, device, pending } = await passkeyUserSigningIn();
    const good = await assertion(pending, device);
    for (const body of [
      { webauthn: { id: '***' } },
      { webauthn: 'assertion' },
      { webauthn: { ...good, response: { ...good.response, signature: 'not base64url!' } } },
      { webauthn: good, code: '123456' },
      { webauthn: good, recoveryCode: 'abcd-efgh-jkmn-pqrs' },
    ]) {
      const res = await challenge(pending, body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.anything() });
    }
    expect(await counterOf(user.id)).toBe(0);
    await challenge(pending, { webauthn: good }).expect(200);
  });

  it('logs no challenge or assertion', async () => {
    const { device, pending } = await passkeyUserSigningIn();
    const offered = (await options(pending).expect(200)).body;
    const good = device.get(offered);
    await challenge(pending, { webauthn: good }).expect(200);
    const logs = t.logs.lines.join('\n');
    for (const secret of [offered.challenge, good.response.signature, good.response.clientDataJSON]) {
      expect(logs).not.toContain(secret);
    }
  });

  describe('removing a passkey', () => {
    const remove = (user: SignedUpUser, id: string, body: object) =>
      t.http().delete(`/api/auth/passkeys/${id}`).set('Cookie', user.cookie).send(body);
    const count = () => t.db.collection('passkeys').countDocuments();

    it('needs a proof; a user whose only factor is one passkey removes it with its own assertion', async () => {
      const user = await signUp(t);
      const device = new SoftAuthenticator();
      const { id } = (await registerPasskey(t, user, device)).body.passkey;
      const none = await remove(user, id, {}).expect(400);
      expect(none.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      const offered = await t
        .http()
        .post('/api/auth/passkeys/verification/options')
        .set('Cookie', user.cookie)
        .expect(200);
      const stored = await t.db.collection('passkeys').findOne({ user: new Types.ObjectId(user.id) });
      expect(offered.body.allowCredentials).toEqual([expect.objectContaining({ id: stored!.credentialId })]);
      expect(await count()).toBe(1);
      await removePasskey(t, user, id, device);
      expect(await count()).toBe(0);
      // No factor left: a password signs in at once again.
      expect((await login(user)).body.success).toBe(true);
    });

    it("refuses a wrong code or another user's passkey (401, counted), and takes a TOTP code", async () => {
      const [ana, bob] = [await signUp(t), await signUp(t)];
      const { id } = (await registerPasskey(t, ana, new SoftAuthenticator())).body.passkey;
      const { app } = await activateTotp(t, ana.cookie);
      const bobs = new SoftAuthenticator();
      await registerPasskey(t, bob, bobs);
      await remove(ana, id, { code: await app.wrongCode() }).expect(401);
      const anasOptions = await t
        .http()
        .post('/api/auth/passkeys/verification/options')
        .set('Cookie', ana.cookie)
        .expect(200);
      const foreign = bobs.get({ ...anasOptions.body, allowCredentials: [] });
      expect((await remove(ana, id, { webauthn: foreign }).expect(401)).body.message).toBe(
        'This passkey does not belong to this account',
      );
      expect(await count()).toBe(2);
      await remove(ana, id, { code: await app.code() }).expect(204);
      expect(await count()).toBe(1);
      // Two wrong proofs counted: one more reaches MFA_CODE_LIMIT (3), and the account's codes lock.
      await remove(bob, 'ffffffffffffffffffffffff', { code: '000000' }).expect(404);
      await t
        .http()
        .post('/api/auth/mfa/recovery-codes')
        .set('Cookie', ana.cookie)
        .send({ code: await app.wrongCode() })
        .expect(401);
      await t
        .http()
        .post('/api/auth/mfa/recovery-codes')
        .set('Cookie', ana.cookie)
        .send({ code: await app.code(1) })
        .expect(429);
    });

    it('answers 404 for no passkey of mine before spending the proof, and 401 without a session', async () => {
      const user = await signUp(t);
      await registerPasskey(t, user, new SoftAuthenticator());
      const { app } = await activateTotp(t, user.cookie);
      const code = await app.code();
      await remove(user, 'ffffffffffffffffffffffff', { code }).expect(404);
      await t
        .http()
        .post('/api/auth/mfa/recovery-codes')
        .set('Cookie', user.cookie)
        .send({ code })
        .expect(200);
      await t.http().post('/api/auth/passkeys/verification/options').expect(401);
    });
  });
});
