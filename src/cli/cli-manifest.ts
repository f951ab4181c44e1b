import type { CommandMetadata, OptionMetadata } from 'nest-commander';

// Every command's name, arguments, options and help text, as plain data with no imports: cli.ts answers
// --help, --version and usage errors from this alone, without loading Nest, Mongoose or stream-chat; the
// command classes take their decorators' metadata from here, so both always describe the same commands.

/** The `bin` name in package.json. */
export const CLI_NAME = 'lingo-admin';

/** What a command talks to; decides which settings it asks for. */
export type Backend = 'mongo' | 'stream';

export interface CommandSpec {
  command: CommandMetadata & { name: string; description: string };
  options: Record<string, OptionMetadata>;
  uses: Backend[];
}

/** Every command takes these. */
export const COMMON_OPTIONS = {
  json: { flags: '--json', description: 'print one JSON document (for scripts) instead of text' },
  embedded: {
    flags: '--embedded',
    description:
      'run against throwaway embedded stand-ins of MongoDB and Stream (never the default: without it the ' +
      'command needs MONGODB_URI and, if it uses Stream, STREAM_API_KEY/STREAM_API_SECRET)',
  },
} satisfies Record<string, OptionMetadata>;

const dryRun = (what: string): OptionMetadata => ({ flags: '--dry-run', description: what });
const yes = (what: string): OptionMetadata => ({ flags: '-y, --yes', description: what });

export const DELETE_USERS = {
  command: {
    name: 'delete-users',
    arguments: '[ids...]',
    argsDescription: { ids: 'user ids (24 hex digits); more can come from --from-file' },
    description:
      'Delete users in Stream (hard by default: user, messages and conversations) and in the app (user, friend ' +
      'requests, friendships). Asks before deleting; exits 0 when every id succeeded or was not found, 1 when ' +
      'any failed or was invalid, 2 on a usage error. Safe to re-run: it finishes what a failed run left.',
  },
  options: {
    soft: { flags: '--soft', description: 'soft-delete in Stream instead of the default hard delete' },
    streamOnly: {
      flags: '--stream-only',
      description: "delete in Stream only and keep the app's user, friend requests and friendships",
    },
    fromFile: {
      flags: '--from-file <path>',
      description: 'read more ids from a file: one per line, blank lines and # comments ignored',
    },
    dryRun: dryRun('show what would be deleted and change nothing (same exit code as the real run)'),
    yes: yes('do not ask for confirmation (required when not run from a terminal)'),
  },
  uses: ['mongo', 'stream'],
} satisfies CommandSpec;

export const SYNC_USERS = {
  command: {
    name: 'sync-users',
    description:
      'Repair drift between the app and Stream (e.g. after a Stream outage): push every app user into Stream in ' +
      'batches of 100 (creating the users Stream lacks, updating only our fields on the others) and mark them ' +
      'synced. With --prune, also delete Stream users that have no app user (listed first, then confirmed). ' +
      'Exits 0 when everything synced, 1 when anything failed, 2 on a usage error.',
  },
  options: {
    dryRun: dryRun('count what would change (and list orphans with --prune); change nothing'),
    prune: {
      flags: '--prune',
      description: 'also delete Stream users that have no app user (hard delete; lists them and asks first)',
    },
    soft: { flags: '--soft', description: 'with --prune: soft-delete the orphans in Stream instead' },
    yes: yes('do not ask before pruning (required for --prune when not run from a terminal)'),
  },
  uses: ['mongo', 'stream'],
} satisfies CommandSpec;

export const MIGRATE = {
  command: {
    name: 'migrate',
    description:
      'Adopt a database written by the Express backend: lower-case emails (where safe) and languages, queue ' +
      'every user for the Stream mirror under the same id, make one-sided friendships mutual, keep one live ' +
      'friend request per pair (the accepted one, else the oldest), set pair keys, build the missing indexes. ' +
      'Never deletes an account; resumable and idempotent. Exits 0 when the database is fully adopted, 1 when ' +
      'something needs an operator (listed), 2 on a usage error. Run with --dry-run first.',
  },
  options: {
    dryRun: dryRun('report what would change and what needs an operator; change nothing (same exit code)'),
  },
  uses: ['mongo'],
} satisfies CommandSpec;

export const INDEXES = {
  command: {
    name: 'indexes',
    description:
      'Compare the indexes the app relies on with the database and, with --apply, build the missing ones. A ' +
      'unique index that cannot build is reported with its duplicate values. Exits 0 when none is missing ' +
      '(or all were built), 1 otherwise.',
  },
  options: {
    apply: {
      flags: '--apply',
      description: 'build the missing indexes (otherwise only show the difference)',
    },
  },
  uses: ['mongo'],
} satisfies CommandSpec;

export const ROLES = {
  command: {
    name: 'roles',
    arguments: '<action> [user] [role]',
    argsDescription: {
      action: 'grant, revoke or list',
      user: 'grant and revoke: the account, by email or user id',
      role: 'grant and revoke: moderator or admin',
    },
    description:
      'Grant or revoke a role (the only way to change one: no API route does), or list the moderators and ' +
      'admins. A change is mirrored into Stream and recorded in the audit log; revoking a role the account ' +
      'does not have changes nothing. Asks before a change; exits 0 when done or unchanged, 1 when the account ' +
      'does not exist, 2 on a usage error.',
  },
  options: { yes: yes('do not ask for confirmation (required when not run from a terminal)') },
  uses: ['mongo', 'stream'],
} satisfies CommandSpec;

export const AUDIT = {
  command: {
    name: 'audit',
    description:
      'Show the audit log, newest first: every role change, ban, unban, flag resolution and CLI deletion, ' +
      'with who did it (a user id, or "cli" and the OS user), when, to whom, why and the request id. Read-only: ' +
      'nothing edits or deletes an entry. Exits 0, or 2 on a usage error.',
  },
  options: {
    limit: {
      flags: '--limit <n>',
      description: 'how many entries (default 50, at most USERS_PAGE_LIMIT_MAX)',
    },
    actor: { flags: '--actor <id>', description: 'only what this moderator or admin (user id) did' },
    target: { flags: '--target <id>', description: 'only what was done to this user (user id)' },
    cursor: {
      flags: '--cursor <cursor>',
      description: 'continue where the previous page ended (printed with it)',
    },
  },
  uses: ['mongo'],
} satisfies CommandSpec;

export const COMMANDS: CommandSpec[] = [DELETE_USERS, SYNC_USERS, MIGRATE, INDEXES, ROLES, AUDIT];
