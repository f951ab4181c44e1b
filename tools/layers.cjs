// The layers of src/, bottom to top: the one description of the architecture. .dependency-cruiser.cjs turns it
// into rules (`npm run lint` fails on an import that runs up a layer or across one), and tools/code-map.cjs
// writes the README's code map from it. A folder may import only folders of lower layers.
/** @type {{ layer: number, name: string, folders: { path: string, owns: string }[] }[]} */
const LAYERS = [
  {
    layer: 0,
    name: 'foundation',
    folders: [{ path: 'config', owns: 'the validated environment and its typed namespaces' }],
  },
  {
    layer: 1,
    name: 'foundation',
    folders: [
      {
        path: 'common',
        owns: 'cross-cutting pieces: errors filter, logging, Mongo connection and errors, one cache, one retry',
      },
    ],
  },
  {
    layer: 2,
    name: 'adapters',
    folders: [
      { path: 'metrics', owns: 'Prometheus metrics and GET /metrics' },
      { path: 'mail', owns: 'outgoing mail (SMTP)' },
      { path: 'indexes', owns: "checking and building every schema's indexes" },
      { path: 'oidc', owns: 'OpenID Connect providers: discovery, the code flow (the only importer of openid-client)' },
    ],
  },
  // Records: append-only or review stores any feature may write, knowing none; one folder and one owner each.
  {
    layer: 2,
    name: 'records',
    folders: [
      { path: 'audit', owns: '`auditlog`: every moderator and admin action, append-only' },
      { path: 'flags', owns: '`moderationflags`: what Stream reported, open or resolved' },
    ],
  },
  {
    layer: 3,
    name: 'adapters',
    folders: [{ path: 'stream', owns: 'StreamService: the only importer of stream-chat' }],
  },
  {
    layer: 4,
    name: 'identity core',
    folders: [
      {
        path: 'identity',
        owns: 'Passport JWT strategy and guard, the Principal, the cookie, `sessions`, login limits',
      },
    ],
  },
  // Identity stores: what proves who a user is beyond the session (credentials, OIDC identities, second factors,
  // email verification), one folder and one owner per collection each; they may use the identity core.
  {
    layer: 5,
    name: 'identity stores',
    folders: [
      { path: 'verification', owns: '`email_verifications`: mailed links and codes that prove an address' },
      { path: 'external-identities', owns: '`identities`: accounts at OpenID Connect providers linked to users' },
      {
        path: 'second-factors',
        owns: '`second_factors` (TOTP, recovery codes) and `mfa_pending_sign_ins`: sign-ins waiting for one',
      },
      {
        path: 'passkeys',
        owns: '`passkeys`, `webauthn_challenges`: WebAuthn credentials and their ceremonies (the only importer of @simplewebauthn/server)',
      },
    ],
  },
  {
    layer: 6,
    name: 'social graph',
    folders: [
      {
        path: 'users',
        owns: '`users`, `friendrequests`, `blocks`: profiles, roles and bans, friends, recommendations (no Stream)',
      },
    ],
  },
  {
    layer: 7,
    name: 'accounts',
    folders: [
      {
        path: 'accounts',
        owns: 'the Stream mirror and its worker, roles and bans, deletion, blocking, friend writes and live notifications',
      },
    ],
  },
  {
    layer: 8,
    name: 'flows and features',
    folders: [
      {
        path: 'auth',
        owns: 'signup, login, logout, onboarding, passwords (`password_resets`), the sessions API',
      },
      {
        path: 'oidc-sign-in',
        owns: 'sign-in with OpenID Connect providers, linking them (`oidc_flows`)',
      },
      { path: 'passkey-sign-in', owns: 'my passkeys (add, list, rename, remove) and signing in with one' },
      { path: 'chat', owns: 'Stream chat tokens and direct channels' },
      { path: 'webhooks', owns: "Stream's webhook calls (`webhookcalls`): deletions, flags recorded" },
      { path: 'moderation', owns: 'the moderator API (flags, bans, the audit log) and role changes' },
      { path: 'data-export', owns: 'GET /api/users/me/export (`dataexportslots`)' },
      { path: 'migration', owns: "adopting the Express backend's database" },
      { path: 'health', owns: 'liveness, readiness, graceful shutdown' },
      { path: 'frontend', owns: 'serving a built frontend (FRONTEND_DIST)' },
    ],
  },
  {
    layer: 9,
    name: 'composition',
    folders: [
      { path: 'app.module.ts', owns: 'AppModule: the API' },
      { path: 'app.setup.ts', owns: 'configureApp(): shared by main.ts and the e2e harness' },
      { path: 'cli', owns: 'CliModule and the admin commands' },
    ],
  },
  {
    layer: 10,
    name: 'entries',
    folders: [
      { path: 'main.ts', owns: 'the API process' },
      { path: 'cli.ts', owns: 'the admin CLI process' },
    ],
  },
];

const escape = (s) => s.replace(/[.]/g, '\\.');
/** The path pattern of a folder (or a top-level file) of src/. */
const pattern = (path) => (path.endsWith('.ts') ? `^src/${escape(path)}$` : `^src/${escape(path)}/`);

module.exports = { LAYERS, pattern };
