/**
 * Generators for the fuzz spec: hostile requests against any route of the API. A route is a method and an
 * OpenAPI-style path (`/api/users/friend-request/{id}/accept`); `fuzzRequest` fills its parameters, query, body
 * and credentials with values a careless or malicious client could send. Routes come from the OpenAPI document,
 * so a new endpoint is fuzzed without touching this file.
 */
import fc, { type Arbitrary } from 'fast-check';
import * as jwt from 'jsonwebtoken';
import { randomBytes } from 'node:crypto';
import type request from 'supertest';

export interface Route {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path with `{param}` placeholders. */
  path: string;
}

/** What the generators may reuse from the running test: real ids and sessions make deeper code paths reachable. */
export interface FuzzContext {
  /** Ids of users that exist (and of friend requests), so a request can name a real target. */
  knownIds: string[];
  /** A valid `jwt=...` cookie of a signed-in user: with it, validation and business rules are reached. */
  validCookie: string;
  /** The app's JWT secret, to forge tokens that verify but name nobody, or expired ones. */
  jwtSecret: string;
  /** Values a path parameter that is no id takes when it is valid (`provider`: the configured providers). */
  knownValues?: Record<string, string[]>;
}

export type FuzzBody =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  /** Sent as is, with its own content type: broken JSON, form bodies, text. */
  | { kind: 'raw'; text: string; contentType: string };

export interface FuzzRequest {
  method: Route['method'];
  url: string;
  headers: Record<string, string>;
  body: FuzzBody;
}

const HEX = '0123456789abcdef';

/** Strings that reach parsers, regexes and loggers: empty, huge, control characters, unicode, markup. */
export const nastyString: Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u202e',
    '💥'.repeat(300),
    '<script>alert(1)</script>',
    '${jndi:ldap://x}',
    '../../etc/passwd',
    '%00',
    'null',
    'undefined',
    '[object Object]',
    '__proto__',
    'constructor',
    '$where',
  ),
  fc.nat({ max: 200_000 }).map((n) => 'a'.repeat(n)),
);

/** MongoDB operator objects and prototype keys: the classic injection payloads. */
export const operatorObject: Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    { $gt: '' },
    { $ne: null },
    { $regex: '.*' },
    { $where: 'sleep(1000)' },
    { $in: [] },
    { $expr: { $eq: [1, 1] } },
  ),
  fc.record({ key: fc.constantFrom('__proto__', 'constructor', 'prototype'), value: fc.jsonValue() }).map(
    // JSON.parse creates `__proto__` as an own key, exactly as a hostile body would arrive.
    ({ key, value }) => JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(value)}}`) as unknown,
  ),
);

/** `depth` levels of arrays or objects around a leaf: overflows naive recursive validation. */
export const deepNesting = (depth: number, kind: 'array' | 'object'): string =>
  kind === 'array'
    ? `${'['.repeat(depth)}1${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Any field value, well or badly typed. */
export const anyValue: Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: operatorObject },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(null, true, 0, -1, 1e308, Number.MAX_SAFE_INTEGER + 2, [], {}),
  },
  { weight: 1, arbitrary: fc.array(fc.string(), { maxLength: 2_000 }) },
);

/**
 * A JSON body: built from the field names the API knows (so validation sees near-misses: missing, extra and
 * mistyped fields) plus anything at all.
 */
export const jsonBody = (fieldNames: readonly string[]): Arbitrary<unknown> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.dictionary(fc.constantFrom(...fieldNames, 'role', 'isAdmin', '_id'), anyValue),
    },
    { weight: 1, arbitrary: fc.jsonValue() },
    { weight: 1, arbitrary: operatorObject },
  );

/** Bodies that are not JSON objects at all, or are sent as something else. */
export const rawBody: Arbitrary<FuzzBody> = fc.oneof(
  fc.record({
    kind: fc.constant('raw' as const),
    text: fc.oneof(
      fc.constantFrom('{', '{"a":}', "{'a':1}", '[1,]', 'nul', '\u0000', '{"a":1}{"b":2}', '"\\ud800"'),
      fc.nat({ max: 4_000 }).map((d) => deepNesting(d, 'array')),
      fc.nat({ max: 12_000 }).map((d) => deepNesting(d, 'object')),
      nastyString,
    ),
    contentType: fc.constantFrom('application/json', 'application/json; charset=utf-16', 'text/plain'),
  }),
  fc.record({
    kind: fc.constant('raw' as const),
    text: fc.constantFrom('email=a%40b.c&password[$gt]=', 'a=1&a=2', '<xml/>', ''),
    contentType: fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
    ),
  }),
);

/** A path parameter: an existing id, a well-formed unknown one, or something that is no id at all. */
export const idParam = (ctx: FuzzContext): Arbitrary<string> =>
  fc.oneof(
    { weight: 2, arbitrary: ctx.knownIds.length ? fc.constantFrom(...ctx.knownIds) : fc.constant('me') },
    { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...HEX), minLength: 24, maxLength: 24 }) },
    {
      weight: 3,
      arbitrary: fc.oneof(
        fc.constantFrom(
          '0',
          'null',
          'undefined',
          'me',
          '%24gt',
          '%00',
          '..',
          '%2e%2e',
          'ZZZZZZZZZZZZZZZZZZZZZZZZ',
        ),
        fc.string({ unit: fc.constantFrom(...HEX), minLength: 23, maxLength: 25 }),
        nastyString.map((s) => encodeURIComponent(s.slice(0, 300))),
      ),
    },
  );

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Paging cursors: well-formed with out-of-range fields (the ±8.64e15 date bound), wrong shapes, and garbage. */
export const cursorParam: Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constant(1.5)),
      fc.oneof(
        fc.integer(),
        fc.constantFrom(-8_640_000_000_000_001, 8_640_000_000_000_001, Number.MAX_SAFE_INTEGER, -0, 1e300),
      ),
      fc.oneof(
        fc.string({ unit: fc.constantFrom(...HEX), minLength: 24, maxLength: 24 }),
        fc.constant('0'.repeat(24)),
        nastyString.map((s) => s.slice(0, 300)), // URLs stay under Node's 16 KB header limit (a 431 from Node)
      ),
    )
    .map(base64url),
  fc.jsonValue({ maxDepth: 2 }).map(base64url),
  fc.constantFrom('', '=', '%', 'W10', 'null', base64url({ $gt: '' })),
  nastyString.map((s) => encodeURIComponent(s.slice(0, 500))),
);

/** The query string: page sizes out of range, repeated and array-valued parameters, unknown keys. */
export const queryString: Arbitrary<string> = fc
  .record(
    {
      limit: fc.oneof(
        fc.integer({ min: -5, max: 1_000_000 }).map(String),
        fc.constantFrom('1e3', '0x10', 'NaN', '', '1.5', '[]', 'limit[$gt]=0'),
      ),
      cursor: cursorParam,
      extra: fc.constantFrom('cursor=a&cursor=b', 'limit[]=1', 'q[$ne]=1', '__proto__[x]=1'),
    },
    { requiredKeys: [] },
  )
  .map(({ limit, cursor, extra }) =>
    [limit !== undefined && `limit=${limit}`, cursor !== undefined && `cursor=${cursor}`, extra]
      .filter(Boolean)
      .join('&'),
  );

/** Credentials: none, the valid session, and every way a session can be forged or spoiled. */
export const credentials = (ctx: FuzzContext): Arbitrary<Record<string, string>> => {
  const sign = (payload: object, secret = ctx.jwtSecret, options: jwt.SignOptions = {}) =>
    jwt.sign(payload, secret, { algorithm: 'HS256', ...options });
  const forged: Arbitrary<string> = fc.oneof(
    fc.constant(sign({ id: '0'.repeat(24) })), // verifies, names nobody
    fc.constant(sign({ id: ctx.knownIds[0] ?? '0'.repeat(24) }, ctx.jwtSecret, { expiresIn: -10 })),
    fc.constant(sign({ id: ctx.knownIds[0] ?? 'x' }, randomBytes(32).toString('hex'))), // wrong key
    fc.constant(
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${base64url({ id: ctx.knownIds[0] })}.`,
    ),
    fc.constant(sign({ id: { $gt: '' } })),
    fc.constant(sign({})),
    nastyString.map((s) => encodeURIComponent(s.slice(0, 4_000))),
  );
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant({}) },
    { weight: 4, arbitrary: fc.constant({ Cookie: ctx.validCookie }) },
    { weight: 2, arbitrary: forged.map((t) => ({ Cookie: `jwt=${t}` })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('Bearer ', 'bearer ', 'Basic ', '', 'Bearer  '), forged)
        .map(([scheme, t]) => ({ Authorization: `${scheme}${t}` })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { Cookie: 'jwt=' },
        { Cookie: 'jwt=a; jwt=b' },
        { Cookie: `${'x=1; '.repeat(500)}jwt=1` },
        { Cookie: 'jwt=%E0%A4%A' }, // a broken percent-encoding
      ),
    },
  );
};

/** One hostile request against `route`; `fieldNames` are the body fields the API documents anywhere. */
export const fuzzRequest = (
  route: Route,
  ctx: FuzzContext,
  fieldNames: readonly string[],
): Arbitrary<FuzzRequest> => {
  const params = route.path.match(/\{[^}]+\}/g) ?? [];
  const param = (placeholder: string): Arbitrary<string> => {
    const known = ctx.knownValues?.[placeholder.slice(1, -1)] ?? [];
    return known.length > 0
      ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: idParam(ctx) })
      : idParam(ctx);
  };
  const hasBody = route.method !== 'get';
  return fc
    .record({
      values: fc.tuple(...params.map(param)),
      query: fc.option(queryString, { nil: undefined, freq: 2 }),
      headers: credentials(ctx),
      body: hasBody
        ? fc.oneof(
            {
              weight: 4,
              arbitrary: jsonBody(fieldNames).map((value): FuzzBody => ({ kind: 'json', value })),
            },
            { weight: 2, arbitrary: rawBody },
            { weight: 1, arbitrary: fc.constant<FuzzBody>({ kind: 'none' }) },
          )
        : fc.constant<FuzzBody>({ kind: 'none' }),
    })
    .map(({ values, query, headers, body }) => {
      let i = 0;
      const path = route.path.replace(/\{[^}]+\}/g, () => values[i++]);
      return { method: route.method, url: query ? `${path}?${query}` : path, headers, body };
    });
};

/** Sends a generated request with supertest, raw bodies byte for byte. */
export function send(agent: ReturnType<typeof request>, req: FuzzRequest): request.Test {
  let test = agent[req.method](req.url);
  for (const [name, value] of Object.entries(req.headers)) test = test.set(name, value);
  if (req.body.kind === 'json') return test.send(JSON.stringify(req.body.value)).type('application/json');
  if (req.body.kind === 'raw') return test.set('Content-Type', req.body.contentType).send(req.body.text);
  return test;
}

/** The routes of an OpenAPI document, with the body field names it declares anywhere. */
export function routesOf(openApi: {
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
}): { routes: Route[]; fieldNames: string[] } {
  const methods = new Set<string>(['get', 'post', 'put', 'patch', 'delete']);
  const routes = Object.entries(openApi.paths).flatMap(([path, ops]) =>
    Object.keys(ops)
      .filter((m) => methods.has(m))
      .map((method) => ({ method: method as Route['method'], path })),
  );
  const fieldNames = [
    ...new Set(
      Object.values(openApi.components?.schemas ?? {}).flatMap((s) => Object.keys(s.properties ?? {})),
    ),
  ];
  return { routes, fieldNames };
}

/**
 * Secrets and internals that must never appear in a response: stack frames, bcrypt hashes, MongoDB and
 * framework internals, and the given secrets.
 */
export function leaks(body: string, secrets: readonly string[]): string[] {
  const patterns: [string, RegExp][] = [
    ['stack trace', /\bat [\w.<>]+ \(|node_modules|\.ts:\d+:\d+/],
    ['bcrypt hash', /\$2[aby]\$\d{2}\$/],
    ['MongoDB internals', /Mongo\w*Error|E11000|CastError|BSON/],
    ['exception class', /\w+Exception\b/],
  ];
  const found = patterns.filter(([, re]) => re.test(body)).map(([name]) => name);
  for (const secret of secrets) if (secret && body.includes(secret)) found.push('secret');
  return found;
}
