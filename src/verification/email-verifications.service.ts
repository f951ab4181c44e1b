import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { verificationConfig } from '../config/configuration';
import { AttemptLimiter } from '../identity/attempt-limiter';
import { EmailVerification, VerificationPurpose } from './schemas/email-verification.schema';
import { hashSecret, newSecretToken } from '../common/secrets';
import { hashCode, newCode } from './secrets';

/** A code is looked for among at most this many live records (one address can be pending for a few accounts). */
const CODE_CANDIDATES_MAX = 10;

/** What was just issued: the only moment the link's token and the code exist in clear, to be mailed. */
export interface IssuedVerification {
  token: string;
  code: string;
  expiresAt: Date;
}

/** A spent link or code: whose it was, what it confirms, and the address it was sent to. */
export interface SpentVerification {
  userId: string;
  purpose: VerificationPurpose;
  address: string;
}

/** A pending verification as its user's data export shows it: never a token, code or hash. */
export interface PendingVerification {
  purpose: VerificationPurpose;
  address: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Whose code is being tried: the signed-in user's, or whoever's it was sent to at this address. */
export type CodeOwner = { userId: string } | { address: string };

const spent = (doc: Pick<EmailVerification, 'user' | 'purpose' | 'address'>): SpentVerification => ({
  userId: doc.user.toString(),
  purpose: doc.purpose,
  address: doc.address,
});

/**
 * Owns `email_verifications`: per user and purpose one live link-and-code, mailed by the flows in auth/. Single
 * use, only the newest valid (issuing replaces), EMAIL_VERIFICATION_TTL_SECONDS long, and a code dies after
 * EMAIL_VERIFICATION_CODE_TRIES wrong guesses. The guesses are counted on the throttler's storage (AttemptLimiter),
 * like failed passwords, so a wrong code changes nothing in MongoDB.
 */
@Injectable()
export class EmailVerificationsService {
  constructor(
    @InjectModel(EmailVerification.name) private readonly verifications: Model<EmailVerification>,
    private readonly limiter: AttemptLimiter,
    @Inject(verificationConfig.KEY) private readonly config: ConfigType<typeof verificationConfig>,
  ) {}

  /** A new link and code for this purpose, replacing the user's earlier one: only the newest works. */
  async issue(userId: string, purpose: VerificationPurpose, address: string): Promise<IssuedVerification> {
    const { token, hash } = newSecretToken();
    const code = newCode();
    const createdAt = new Date();
    const expiresAt = new Date(createdAt.getTime() + this.config.ttlMs);
    await this.verifications
      .updateOne(
        { user: new Types.ObjectId(userId), purpose },
        { $set: { address, tokenHash: hash, codeHash: hashCode(code, hash), createdAt, expiresAt } },
        { upsert: true },
      )
      .exec();
    return { token, code, expiresAt };
  }

  /** Spends a link's token: what it confirmed if it was live, else null. Atomic, so it works once even raced. */
  async spendToken(token: string): Promise<SpentVerification | null> {
    const doc = await this.verifications
      .findOneAndDelete({ tokenHash: hashSecret(token), expiresAt: { $gt: new Date() } })
      .lean()
      .exec();
    return doc ? spent(doc) : null;
  }

  /**
   * Spends a typed code: what it confirmed, or null. Every live candidate counts one try before it is compared
   * (an atomic count, so parallel guesses cannot exceed the tries), and a code past its tries is dead until a new
   * one is issued.
   */
  async spendCode(owner: CodeOwner, code: string): Promise<SpentVerification | null> {
    const filter =
      'userId' in owner ? { user: new Types.ObjectId(owner.userId) } : { address: owner.address };
    const now = new Date();
    const candidates = await this.verifications
      .find({ ...filter, expiresAt: { $gt: now } }, { tokenHash: 1, codeHash: 1, expiresAt: 1 })
      .sort({ createdAt: -1 })
      .limit(CODE_CANDIDATES_MAX)
      .lean()
      .exec();
    for (const candidate of candidates) {
      const remainingMs = candidate.expiresAt.getTime() - now.getTime();
      if (!(await this.limiter.takeCodeTry(candidate.tokenHash, this.config.codeTries, remainingMs)))
        continue;
      if (!sameHash(hashCode(code, candidate.tokenHash), candidate.codeHash)) continue;
      // Matched: spend it, unless a newer code replaced it in the meantime (then the filter finds nothing).
      const doc = await this.verifications
        .findOneAndDelete({ _id: candidate._id, tokenHash: candidate.tokenHash })
        .lean()
        .exec();
      if (doc) return spent(doc);
    }
    return null;
  }

  /** The user's live verifications, for their data export. */
  async listMine(userId: string): Promise<PendingVerification[]> {
    const docs = await this.verifications
      .find({ user: new Types.ObjectId(userId), expiresAt: { $gt: new Date() } })
      .sort({ createdAt: -1 })
      .lean()
      .exec();
    return docs.map((d) => ({
      purpose: d.purpose,
      address: d.address,
      createdAt: d.createdAt,
      expiresAt: d.expiresAt,
    }));
  }

  /** Drops every link and code of the user (their address changed, or the account is being deleted). */
  async discardAll(userId: string): Promise<number> {
    const { deletedCount } = await this.verifications.deleteMany({ user: new Types.ObjectId(userId) }).exec();
    return deletedCount;
  }
}

const sameHash = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
