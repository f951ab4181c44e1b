import { ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { Secret, TOTP } from 'otpauth';
import { isDuplicateKey } from '../common/mongo-errors';
import { mfaConfig } from '../config/configuration';
import { newRecoveryCodes, recoveryCodeHash } from './recovery-codes';
import { SecondFactor } from './schemas/second-factor.schema';
import { FactorKind, SecondFactorView, toSecondFactorView } from './second-factor.view';
import { open, seal } from './secret-box';

/** A TOTP just enrolled: what the user's authenticator app needs (shown once, to its owner only). */
export interface TotpEnrollment {
  secret: string;
  uri: string;
}

// RFC 6238 defaults, what every authenticator app reads from the otpauth:// URI.
const totpOf = (secret: string, label = '', issuer = '') =>
  new TOTP({ issuer, label, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });

/**
 * Owns `second_factors`: each user's TOTP (its secret encrypted at rest under MFA_ENCRYPTION_KEYS, the last time
 * step it accepted) and recovery codes (hashed, single use). It checks codes; what a passed check unlocks belongs
 * to the flows that call it.
 */
@Injectable()
export class SecondFactorsService {
  private readonly logger = new Logger(SecondFactorsService.name);

  constructor(
    @InjectModel(SecondFactor.name) private readonly factors: Model<SecondFactor>,
    @Inject(mfaConfig.KEY) private readonly config: ConfigType<typeof mfaConfig>,
  ) {}

  /** The kinds of second factor the user can finish a sign-in with (none: the sign-in needs no second step). */
  async factorsOf(userId: string): Promise<FactorKind[]> {
    const docs = await this.factors
      .find({ user: this.id(userId), active: true }, { type: 1 })
      .lean()
      .exec();
    return docs.map((d) => (d.type === 'totp' ? 'totp' : 'recovery_code'));
  }

  /**
   * A new TOTP secret for the user, inactive until a code activates it (a second enrollment replaces one not
   * activated yet); 409 when TOTP is already active.
   */
  async enrollTotp(userId: string, label: string): Promise<TotpEnrollment> {
    const secret = new Secret({ size: 20 }).base32;
    try {
      await this.factors
        .updateOne(
          { user: this.id(userId), type: 'totp', active: false },
          {
            $set: { secret: seal(secret, userId, this.config.keys), createdAt: new Date(), lastUsedStep: -1 },
            $setOnInsert: { lastUsedAt: null },
          },
          { upsert: true },
        )
        .exec();
    } catch (error) {
      // The unique (user, type) index: the active record the filter skipped is in the way.
      if (isDuplicateKey(error)) throw new ConflictException('An authenticator app is already active');
      throw error;
    }
    this.logger.log(`user ${userId} enrolled a TOTP authenticator (not active yet)`);
    return { secret, uri: totpOf(secret, label, this.config.totpIssuer).toString() };
  }

  /** Activates the enrolled TOTP with a first code and returns a new set of recovery codes; null: wrong code. */
  async activateTotp(userId: string, code: string): Promise<string[] | null> {
    if (!(await this.acceptTotp(userId, code, false))) return null;
    this.logger.log(`user ${userId} activated TOTP`);
    return this.replaceRecoveryCodes(userId);
  }

  /** Whether the code is right for the user's active TOTP and its time step was not used before. */
  checkTotp(userId: string, code: string): Promise<boolean> {
    return this.acceptTotp(userId, code, true);
  }

  /**
   * Spends one recovery code (atomically: of two requests with the same code, one wins) and returns how many are
   * left; null when it is not an unused code of the user.
   */
  async useRecoveryCode(userId: string, code: string): Promise<number | null> {
    const hash = recoveryCodeHash(code);
    const doc = await this.factors
      .findOneAndUpdate(
        { user: this.id(userId), type: 'recovery_codes', codeHashes: hash },
        { $pull: { codeHashes: hash }, $set: { lastUsedAt: new Date() } },
        { projection: { codeHashes: 1 }, returnDocument: 'after' },
      )
      .lean()
      .exec();
    return doc ? (doc.codeHashes?.length ?? 0) : null;
  }

  /** A new set of recovery codes (the old set stops working); the codes are returned once, stored hashed. */
  async replaceRecoveryCodes(userId: string): Promise<string[]> {
    const codes = newRecoveryCodes();
    await this.factors
      .updateOne(
        { user: this.id(userId), type: 'recovery_codes' },
        {
          $set: {
            active: true,
            codeHashes: codes.map(recoveryCodeHash),
            createdAt: new Date(),
            lastUsedAt: null,
          },
        },
        { upsert: true },
      )
      .exec();
    this.logger.log(`user ${userId} got a new set of recovery codes`);
    return codes;
  }

  /** Removes the user's TOTP and their recovery codes (which only stand in for it). */
  async removeTotp(userId: string): Promise<void> {
    await this.factors
      .deleteMany({ user: this.id(userId), type: { $in: ['totp', 'recovery_codes'] } })
      .exec();
    this.logger.log(`user ${userId} removed their TOTP authenticator and recovery codes`);
  }

  /** Mine, active ones: no secret, no code. */
  async listMine(userId: string): Promise<SecondFactorView[]> {
    const docs = await this.factors
      .find({ user: this.id(userId), active: true })
      .sort({ createdAt: 1 })
      .lean()
      .exec();
    return docs.map(toSecondFactorView);
  }

  /** Account deletion: every factor of the user. Idempotent. */
  async deleteAllOf(userId: string): Promise<number> {
    const { deletedCount } = await this.factors.deleteMany({ user: this.id(userId) }).exec();
    return deletedCount;
  }

  /**
   * RFC 6238 with ±1 time step of clock drift. The step the code belongs to is recorded atomically, and only
   * past the last one accepted: a code (or an older one) replayed, even in parallel, is refused.
   */
  private async acceptTotp(userId: string, code: string, active: boolean): Promise<boolean> {
    const doc = await this.factors
      .findOne({ user: this.id(userId), type: 'totp', active }, { secret: 1, lastUsedStep: 1 })
      .lean()
      .exec();
    if (!doc?.secret) return false;
    const timestamp = Date.now();
    const totp = totpOf(open(doc.secret, userId, this.config.keys));
    const delta = totp.validate({ token: code, timestamp, window: 1 });
    if (delta === null) return false;
    const step = totp.counter({ timestamp }) + delta;
    const { modifiedCount } = await this.factors
      .updateOne(
        { _id: doc._id, active, lastUsedStep: { $lt: step } },
        { $set: { lastUsedStep: step, lastUsedAt: new Date(timestamp), active: true } },
      )
      .exec();
    return modifiedCount > 0;
  }

  private id(userId: string): Types.ObjectId {
    return new Types.ObjectId(userId);
  }
}
