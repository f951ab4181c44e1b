import { Types } from 'mongoose';
import { BanRecord, Role } from './standing';

/** What the Stream mirror reads of a user it pushes (see accounts/stream-sync.service.ts). */
export interface SyncCandidate {
  _id: Types.ObjectId;
  fullName: string;
  profilePic: string;
  profileVersion: number;
  syncAttempts: number;
  /** Whether Stream has acknowledged a push of this user before: then a push updates, never replaces. */
  inStream?: boolean;
  /** Seconds: Stream must refuse this user's tokens issued earlier. */
  chatTokensValidFrom?: number;
  /** Absent on users stored before roles existed: `user`. */
  role?: Role;
  ban?: BanRecord;
  /** A ban or unban Stream has not seen yet. */
  banSyncPending?: boolean;
}

export interface SyncPageEntry extends SyncCandidate {
  syncPending: boolean;
}

/** A failed push: when to try this user again. */
export interface SyncRetry {
  id: Types.ObjectId;
  attempt: number;
  nextAt: Date;
  error: string;
}

export const SYNC_FIELDS = {
  fullName: 1,
  profilePic: 1,
  profileVersion: 1,
  syncAttempts: 1,
  inStream: 1,
  chatTokensValidFrom: 1,
  role: 1,
  ban: 1,
  banSyncPending: 1,
} as const;

/**
 * An update that sets `fields` and queues the change for the mirror: a new version, pending, due for the worker
 * after `leaseMs` (the writer pushes it at once).
 */
export const withQueuedSync = (leaseMs: number, fields: Record<string, unknown>) => ({
  $set: { ...fields, syncPending: true, syncNextAt: new Date(Date.now() + leaseMs) },
  $inc: { profileVersion: 1 },
});

/** The mirror's state of one user, as their data export shows it. */
export interface SyncState {
  pending: boolean;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  profileVersion: number;
  chatTokensValidFrom: Date | null;
}
