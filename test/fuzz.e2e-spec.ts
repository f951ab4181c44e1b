import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { startOidcProvider, type OidcProviderEmulator } from 'offline-emulators';
import { fuzzRequest, leaks, routesOf, send, type FuzzContext, type Route } from './fuzz';
import { ModerationFlagsService } from '../src/flags/moderation-flags.service';
import { ModerationFlagKind } from '../src/flags/schemas/moderation-flag.schema';
import { RolesService } from '../src/moderation/roles.service';
import { createTestApp, eventually, signUp, signUpOnboarded, TEST_JWT_SECRET, TestApp } from './harness';
import { activateTotp, pendingCookie } from './totp';
import { registerPasskey, SoftAuthenticator } from './soft-authenticator';

/**
 * Property-based fuzzing of every route in the OpenAPI document: hostile bodies, ids, cursors, cookies and headers
 * (see fuzz.ts). FUZZ_SEED replays a run, FUZZ_RUNS changes its size (default 1000 requests).
 */
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

describe('Fuzzing every endpoint', () => {
  let t: TestApp;
  let ctx: FuzzContext;
  let routes: Route[];
  let fieldNames: string[];

  let op: OidcProviderEmulator;

  beforeAll(async () => {
    // A sign-in provider too, so the OIDC routes answer for a configured provider as well as unknown ones.
    op = await startOidcProvider();
    t = await createTestApp({
      THROTTLE_LOGIN_LIMIT: '1000000',
      THROTTLE_SIGNUP_LIMIT: '1000000',
      OIDC_PROVIDERS: 'local',
      OIDC_LOCAL_ISSUER: op.issuer,
      OIDC_LOCAL_CLIENT_ID: op.clientId,
      OIDC_LOCAL_CLIENT_SECRET: op.clientSecret,
    });
    await eventually(
      async () => (await t.http().get('/api/health/ready')).body.info?.oidc?.undiscovered?.length === 0,
    );
    const me = await signUpOnboarded(t);
    const other = await signUpOnboarded(t, { nativeLanguage: 'english', learningLanguage: 'portuguese' });
    const stranger = await signUp(t);
    const sent = await t
      .http()
      .post(`/api/users/friend-request/${me.id}`)
      .set('Cookie', other.cookie)
      .expect(201);
    // An admin, so the moderator API is fuzzed past its role check too (bans, flag resolutions, the audit log).
    await t.app.get(RolesService).grant(me.id, 'admin', { kind: 'cli', osUser: 'fuzz' });
    const flags = t.app.get(ModerationFlagsService);
    await flags.record({ kind: ModerationFlagKind.UserFlagged, targetUserId: other.id, webhookId: 'fuzz-1' });
    const [flag] = (await flags.page({}, 1)).items;
    // A sign-in waiting for its second factor (TOTP or a passkey), so the challenge and its passkey options are
    // fuzzed past their cookie check too.
    const guarded = await signUp(t);
    await activateTotp(t, guarded.cookie);
    await registerPasskey(t, guarded, new SoftAuthenticator());
    const login = await t
      .http()
      .post('/api/auth/login')
      .send({ email: guarded.email, password: guarded.password });
    // A passkey of mine, so its rename and removal are fuzzed past the lookup.
    const passkey = (await registerPasskey(t, me, new SoftAuthenticator())).body.passkey.id as string;
    ctx = {
      knownIds: [me.id, other.id, stranger.id, sent.body._id as string, flag._id.toString(), passkey],
      validCookie: `${me.cookie}; ${pendingCookie(login)}`,
      jwtSecret: TEST_JWT_SECRET,
      knownValues: { provider: ['local'] },
    };
    ({ routes, fieldNames } = routesOf((await t.http().get('/api/docs-json').expect(200)).body));
  });
  afterAll(async () => {
    await t.close();
    await op.close();
  });

  /**
   * Every stored document, hashed: a rejected request must leave it unchanged. The Stream-sync bookkeeping is left
   * out: the background worker writes it on its own schedule.
   */
  const snapshot = async (): Promise<string> => {
    const hash = createHash('sha256');
    for (const name of Object.keys(t.db.collections).sort()) {
      const docs = await t.db.collection(name).find({}).sort({ _id: 1 }).toArray();
      const stable = docs.map((d) => Object.entries(d).filter(([k]) => !k.startsWith('sync')));
      hash.update(`${name}:${JSON.stringify(stable)}`);
    }
    return hash.digest('hex');
  };

  it(`answers ${RUNS} generated requests with no 5xx, one error shape, no leaks and no change when rejected`, async () => {
    console.warn(`fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED})`);
    const secrets = [TEST_JWT_SECRET, t.stream.apiSecret, op.clientSecret];
    const hit = new Set<string>();
    let before = await snapshot();
    const request = fc
      .constantFrom(...routes)
      .chain((route) => fuzzRequest(route, ctx, fieldNames).map((req) => ({ route, req })));
    await fc.assert(
      fc.asyncProperty(request, async ({ route, req }) => {
        hit.add(`${route.method} ${route.path}`);
        const res = await send(t.http(), req);
        const where = `${req.method.toUpperCase()} ${req.url.slice(0, 200)} -> ${res.status}`;
        expect({ where, status: res.status < 500 }).toEqual({ where, status: true });
        expect({ where, leaks: leaks(res.text, secrets) }).toEqual({ where, leaks: [] });
        const after = await snapshot();
        if (res.status >= 400) {
          expect({ where, body: res.body as unknown }).toEqual({
            where,
            body: expect.objectContaining({
              statusCode: res.status,
              message: expect.any(String),
              error: expect.any(String),
            }),
          });
          const { errors } = res.body as { errors?: unknown };
          if (errors !== undefined) {
            const malformed = Array.isArray(errors)
              ? errors.filter((e: { field?: unknown; message?: unknown }) => {
                  return typeof e?.field !== 'string' || typeof e?.message !== 'string';
                })
              : errors;
            expect({ where, malformed }).toEqual({ where, malformed: [] });
          }
          expect({ where, changed: after !== before }).toEqual({ where, changed: false });
        }
        before = after;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(routes.filter((r) => !hit.has(`${r.method} ${r.path}`))).toEqual([]);
  }, 300_000);
});
