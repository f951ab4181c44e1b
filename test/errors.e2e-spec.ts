import { createTestApp, signUp, SignedUpUser, TestApp } from './harness';

/** Hostile and broken input, and the one error shape every failure leaves with. */
describe('Errors and hostile input', () => {
  let t: TestApp;
  let me: SignedUpUser;

  beforeAll(async () => {
    t = await createTestApp();
    me = await signUp(t);
  });
  afterAll(() => t.close());

  const onboard = () => t.http().put('/api/auth/onboarding').set('Cookie', me.cookie);

  it('answers malformed JSON with 400 "Malformed JSON body", not the parser\'s text', async () => {
    const res = await onboard().set('Content-Type', 'application/json').send('{"fullName":');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, message: 'Malformed JSON body', error: 'Bad Request' });
  });

  it.each([
    [
      '1,500 levels of arrays (3 KB)',
      `${'['.repeat(1500)}${']'.repeat(1500)}`,
      /nested deeper than 32 levels/,
    ],
    [
      '10,000 levels of objects',
      `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
      /nested deeper than 32 levels/,
    ],
    ['an array of 1,001 elements', JSON.stringify({ bio: Array(1001).fill(0) }), /array longer than 1000/],
  ])('refuses %s with a 400 before validation, and the process keeps serving', async (_, body, message) => {
    const res = await onboard().set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      message: expect.stringMatching(message),
      error: 'Bad Request',
    });
    await t.http().get('/api/auth/me').set('Cookie', me.cookie).expect(200);
  });

  it('states validation failures in one sentence, field by field in errors, with missingFields', async () => {
    const res = await onboard().send({ fullName: 'Ana', nativeLanguage: 'english', location: 'Porto' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Missing required fields: bio, learningLanguage',
      missingFields: ['bio', 'learningLanguage'],
    });
    expect(res.body.errors).toEqual(expect.arrayContaining([{ field: 'bio', message: 'bio is required' }]));
    const extra = await onboard().send({ fullName: 'Ana', isAdmin: true });
    expect(typeof extra.body.message).toBe('string');
    expect(extra.body.errors).toEqual(
      expect.arrayContaining([{ field: 'isAdmin', message: 'property isAdmin should not exist' }]),
    );
  });

  it('summarises every problem, missing fields first, and lists each field once with its most relevant message', async () => {
    const signup = (body: object) => t.http().post('/api/auth/signup').send(body).expect(400);
    const empty = await signup({ email: 'nope', password: 'abc', fullName: '' });
    expect(empty.body.message).toBe(
      'Missing required fields: fullName; email must be a valid email address; password must be 6 to 72 bytes long',
    );
    expect(empty.body.missingFields).toEqual(['fullName']);
    const errors = [
      { field: 'email', message: 'email must be a valid email address' },
      { field: 'password', message: 'password must be 6 to 72 bytes long' },
      { field: 'fullName', message: 'fullName is required' },
    ];
    expect(empty.body.errors).toEqual(errors);

    const absent = await signup({ email: 'nope', password: 'abc' });
    expect(absent.body.errors).toEqual(errors);
    expect(absent.body.message).toBe(empty.body.message);
    expect(Object.keys(absent.body).sort()).toEqual([
      'error',
      'errors',
      'message',
      'missingFields',
      'statusCode',
    ]);

    const wrongKind = await signup({ email: 'ana@example.com', password: 'secret123', fullName: 42 });
    expect(wrongKind.body.errors).toEqual([{ field: 'fullName', message: 'fullName must be a string' }]);
  });

  it('answers a well-formed recommendations cursor past the dates a Date holds with 400 Invalid cursor', async () => {
    // [0, -8640000000000001, "000…0"]: a safe integer, but no Date; it used to reach MongoDB and answer 500.
    const res = await t
      .http()
      .get('/api/users?cursor=WzAsLTg2NDAwMDAwMDAwMDAwMDEsIjAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMCJd')
      .set('Cookie', me.cookie);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, message: 'Invalid cursor', error: 'Bad Request' });
  });

  it('documents the error body on every operation of the OpenAPI document', async () => {
    const doc = (await t.http().get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    expect(Object.keys(doc.components.schemas.ErrorBody.properties)).toEqual(
      expect.arrayContaining(['statusCode', 'message', 'error', 'errors', 'missingFields']),
    );
    const ref = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } };
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const errors = Object.entries(operation.responses).filter(([code]) => !/^[23]/.test(code));
        expect({ at: `${method} ${path}`, default: operation.responses.default?.content }).toEqual({
          at: `${method} ${path}`,
          default: ref,
        });
        for (const [code, response] of errors)
          expect({ code, content: response.content }).toEqual({ code, content: ref });
      }
    }
  });
});
