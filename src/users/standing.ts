/** Global roles: `user` by default; `moderator` and `admin` are granted by the admin CLI only. Mirrored into Stream. */
export const ROLES = ['user', 'moderator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A ban as stored on the user. */
export interface BanRecord {
  reason: string;
  /** The moderator or admin (user id). */
  bannedBy: string;
  bannedAt: Date;
  /** When it ends by itself; absent: permanent. */
  until?: Date;
}

/** A user's role and the ban in force, if any. */
export interface Standing {
  role: Role;
  ban: BanRecord | null;
}

/** The ban still in force at `now`: a timed ban ends by itself, with no job to lift it. */
export const activeBan = (ban: BanRecord | null | undefined, now = Date.now()): BanRecord | null =>
  ban && (!ban.until || ban.until.getTime() > now) ? ban : null;

/** A user whose role or ban changed: listed by `roles list`. */
export interface StaffMember {
  _id: string;
  email: string;
  fullName: string;
  role: Role;
}
